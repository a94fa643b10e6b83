/**
 * The causal graph of a room's membership operations: each names its author's previous
 * operation and the heads of the log its author had seen. Ids are hashes of the signed
 * operations, so no operation can be made an ancestor of one signed before it.
 */
import type { SignedOp } from './log.js'

/**
 * An operation that restricts what is concurrent with it (a removal, a revocation, a
 * policy): what its author had seen (its ancestors) and what had seen it (descendants).
 */
export interface Restriction {
  id: string
  ancestors: Set<string>
  /** Neither it nor `id` had seen the other. */
  concurrentWith: (id: string) => boolean
}

/** The operations of a log as a graph: deduplicated, forks found, causal order. */
export class DAG {
  private readonly byId = new Map<string, SignedOp>()
  private readonly children = new Map<string, string[]>()
  private readonly restrictions = new Map<string, Restriction>()
  private readonly forkList: SignedOp[][] = []

  constructor (ops: Iterable<SignedOp>) {
    const byKey = new Map<string, SignedOp[]>()
    for (const op of ops) {
      if (this.byId.has(op.id)) continue
      this.byId.set(op.id, op)
      const key = `${op.author}:${op.index}`
      const list = byKey.get(key) ?? []
      list.push(op)
      byKey.set(key, list)
    }
    for (const list of byKey.values()) if (list.length > 1) this.forkList.push(list)
    for (const op of this.byId.values()) {
      for (const p of this.parentsOf(op)) {
        const list = this.children.get(p) ?? []
        list.push(op.id)
        this.children.set(p, list)
      }
    }
  }

  /** Parents present in the graph: the author's previous operation and the heads it named. */
  private parentsOf (op: SignedOp): string[] {
    const out = op.heads != null ? [...op.heads] : []
    if (op.prev != null) out.push(op.prev)
    return out.filter((p) => p !== op.id && this.byId.has(p))
  }

  /** Groups of two or more operations under one author counter. */
  forks (): SignedOp[][] {
    return this.forkList
  }

  /**
   * Every operation in causal order (parents first), ties broken by id (not by date: a
   * date is its author's word). Of each fork only `keep`'s member stays, if any.
   */
  order (keep: Set<string>): SignedOp[] {
    const dropped = new Set<string>()
    for (const fork of this.forkList) for (const o of fork) if (!keep.has(o.id)) dropped.add(o.id)
    const waiting = new Map<string, number>()
    const ready = new MinHeap()
    for (const op of this.byId.values()) {
      if (dropped.has(op.id)) continue
      const n = this.parentsOf(op).filter((p) => !dropped.has(p)).length
      waiting.set(op.id, n)
      if (n === 0) ready.push(op.id)
    }
    const out: SignedOp[] = []
    for (let id = ready.pop(); id != null; id = ready.pop()) {
      out.push(this.byId.get(id) as SignedOp)
      for (const c of this.children.get(id) ?? []) {
        const n = waiting.get(c)
        if (n == null) continue
        waiting.set(c, n - 1)
        if (n === 1) ready.push(c)
      }
    }
    return out
  }

  /** What operation `id` had seen and what had seen it (computed once per graph). */
  restriction (id: string): Restriction {
    let r = this.restrictions.get(id)
    if (r == null) {
      const ancestors = this.walk(id, (x) => this.parentsOf(this.byId.get(x) as SignedOp))
      const descendants = this.walk(id, (x) => this.children.get(x) ?? [])
      r = { id, ancestors, concurrentWith: (other) => other !== id && !ancestors.has(other) && !descendants.has(other) }
      this.restrictions.set(id, r)
    }
    return r
  }

  private walk (from: string, next: (id: string) => string[]): Set<string> {
    const seen = new Set<string>()
    const stack = this.byId.has(from) ? [...next(from)] : []
    while (stack.length > 0) {
      const id = stack.pop() as string
      if (seen.has(id)) continue
      seen.add(id)
      stack.push(...next(id))
    }
    return seen
  }
}

/** A binary min-heap of strings. */
class MinHeap {
  private readonly items: string[] = []

  push (v: string): void {
    const a = this.items
    a.push(v)
    for (let i = a.length - 1; i > 0;) {
      const p = (i - 1) >> 1
      if ((a[p] as string) <= v) break
      a[i] = a[p] as string
      a[p] = v
      i = p
    }
  }

  pop (): string | undefined {
    const a = this.items
    if (a.length === 0) return undefined
    const top = a[0] as string
    const last = a.pop() as string
    if (a.length > 0) {
      a[0] = last
      for (let i = 0; ;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < a.length && (a[l] as string) < (a[m] as string)) m = l
        if (r < a.length && (a[r] as string) < (a[m] as string)) m = r
        if (m === i) break
        const t = a[i] as string
        a[i] = a[m] as string
        a[m] = t
        i = m
      }
    }
    return top
  }
}
