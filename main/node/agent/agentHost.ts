import type { ApiEventName, RedeskApi } from '../../common/api';

/**
 * What an agent's MCP server works through: the API of the host that holds the attempt (this process's services,
 * or a live app / browser-mode host reached over its WebSocket) and its events (terminal output and exits).
 */
export interface AgentHost {
  api: RedeskApi;
  onEvent(listener: (name: ApiEventName, payload: unknown) => void): () => void;
}
