import { api, unwrap } from '../../lib/api-client';

/** An AI agent as the server answers it (server/src/ai/agent-store.ts AgentView); the key itself never comes back. */
export interface Agent {
	id: string;
	name: string;
	enabled: boolean;
	baseUrl: string | null;
	hasApiKey: boolean;
	model: string;
	maxTokens: number;
	temperature: number;
	channelIds: string[];
	systemPrompt: string;
	trigger: { type: 'all' | 'keyword'; operator: 'equals' | 'contains' | 'starts_with' | 'regex'; value?: string };
	handOffKeywords: string[];
	createdAt: string;
	updatedAt: string;
}

/** What the settings form edits; apiKey is only sent when typed (an empty box keeps the stored key). */
export interface AgentDraft {
	name: string;
	enabled: boolean;
	model: string;
	baseUrl: string | null;
	apiKey?: string;
	systemPrompt: string;
	trigger: { type: 'all' | 'keyword'; operator: 'contains'; value?: string };
	handOffKeywords: string[];
	channelIds: string[];
}

export const listAgents = () => unwrap<{ data: Agent[] }>(api.GET('/api/v1/ai/agents'));

export const createAgent = (draft: AgentDraft) => unwrap<Agent>(api.POST('/api/v1/ai/agents', { body: draft }));

export const updateAgent = (agentId: string, patch: Partial<AgentDraft>) =>
	unwrap<Agent>(api.PATCH('/api/v1/ai/agents/{agentId}', { params: { path: { agentId } }, body: patch }));

export const removeAgent = (agentId: string) => unwrap<unknown>(api.DELETE('/api/v1/ai/agents/{agentId}', { params: { path: { agentId } } }));
