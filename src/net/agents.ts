/**
 * What a CryptoChat relay calls itself in identify. Clients use it to know whether the
 * relay forwards rooms' chat (hub) or only discovery (`--no-hub`): with a hub, a room is
 * ready once the relay is in its chat mesh; without, once it is in its discovery mesh.
 */
export const RELAY_AGENT_HUB = 'cryptochat-relay/hub'
export const RELAY_AGENT_NO_HUB = 'cryptochat-relay/no-hub'
