import { api, type ApiAnswer, type ApiBody, unwrap } from '../../lib/api-client';

/** An AI agent as the server answers it (from the OpenAPI document); the key itself never comes back, only hasApiKey. */
export type Agent = ApiAnswer<'/api/v1/ai/agents/{agentId}', 'get'>;

/** What the settings form sends to create an agent; apiKey only when typed (an empty box keeps the stored key). */
export type AgentDraft = ApiBody<'/api/v1/ai/agents', 'post'>;

/** A change to an agent: only the fields given change. */
export type AgentPatch = ApiBody<'/api/v1/ai/agents/{agentId}', 'patch'>;

export const listAgents = () => unwrap(api.GET('/api/v1/ai/agents'));

export const createAgent = (draft: AgentDraft) => unwrap(api.POST('/api/v1/ai/agents', { body: draft }));

export const updateAgent = (agentId: string, patch: AgentPatch) => unwrap(api.PATCH('/api/v1/ai/agents/{agentId}', { params: { path: { agentId } }, body: patch }));

export const removeAgent = (agentId: string) => unwrap(api.DELETE('/api/v1/ai/agents/{agentId}', { params: { path: { agentId } } }));
