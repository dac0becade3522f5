import { z } from 'zod/v4';
import type { ApiRouter } from '../inbox/api/api-router';
import { notFound } from '../inbox/api/api-error';
import { conversationViewSchema } from '../inbox/conversations/conversation-view-schema';
import { createAgentSchema, updateAgentSchema } from './agent-settings';
import { agentViewSchema, createAgent, deleteAgent, findAgent, listAgents, updateAgent } from './agent-store';
import type { AiService } from './ai-service';
import { conversationAi, setConversationAi, SETTABLE_AI_STATES } from './conversation-ai';

const agentParams = z.object({ agentId: z.uuid() });
const conversationParams = z.object({ conversationId: z.uuid() });

/** The AI routes (README "AI auto-reply"): agents for admins; a conversation's AI state for every attendant. */
export function registerAiRoutes(api: ApiRouter, ai: AiService): void {
	api.add({
		method: 'GET',
		url: '/api/v1/ai/agents',
		summary: 'List the AI agents (the key is never returned: hasApiKey)',
		tag: 'ai',
		access: 'admin',
		response: z.object({ data: z.array(agentViewSchema) }),
		handler: async ({ caller }) => ({ data: await listAgents(ai.db, caller.workspaceId) }),
	});

	api.add({
		method: 'POST',
		url: '/api/v1/ai/agents',
		summary: 'Create an AI agent (provider, model, prompt, knowledge, trigger, take-over rules) and point channels at it',
		tag: 'ai',
		access: 'admin',
		body: createAgentSchema,
		successStatus: 201,
		response: agentViewSchema,
		handler: async ({ caller, body }) => {
			const agent = await createAgent(ai.db, ai.integrationsKey, caller.workspaceId, body);
			ai.forgetChannels();
			return agent;
		},
	});

	api.add({
		method: 'GET',
		url: '/api/v1/ai/agents/:agentId',
		summary: 'One AI agent',
		tag: 'ai',
		access: 'admin',
		params: agentParams,
		response: agentViewSchema,
		handler: async ({ caller, params }) => {
			const agent = await findAgent(ai.db, caller.workspaceId, params.agentId);
			if (!agent) throw notFound('AI agent');
			return agent;
		},
	});

	api.add({
		method: 'PATCH',
		url: '/api/v1/ai/agents/:agentId',
		summary: 'Change an AI agent (only the fields given; apiKey null removes the key)',
		tag: 'ai',
		access: 'admin',
		params: agentParams,
		body: updateAgentSchema,
		response: agentViewSchema,
		handler: async ({ caller, params, body }) => {
			const agent = await updateAgent(ai.db, ai.integrationsKey, caller.workspaceId, params.agentId, body);
			ai.forgetChannels();
			return agent;
		},
	});

	api.add({
		method: 'DELETE',
		url: '/api/v1/ai/agents/:agentId',
		summary: 'Remove an AI agent (its channels are left without AI)',
		tag: 'ai',
		access: 'admin',
		params: agentParams,
		response: z.object({ deleted: z.literal(true) }),
		handler: async ({ caller, params }) => {
			await deleteAgent(ai.db, caller.workspaceId, params.agentId);
			ai.forgetChannels();
			return { deleted: true };
		},
	});

	api.add({
		method: 'GET',
		url: '/api/v1/conversations/:conversationId/ai',
		summary: "A conversation's AI state (active, paused, handed_off, off), why, its agent and the latest replies' cost and outcome",
		tag: 'ai',
		access: 'member',
		params: conversationParams,
		handler: async ({ caller, params }) => conversationAi(ai.db, caller.workspaceId, params.conversationId),
	});

	api.add({
		method: 'POST',
		url: '/api/v1/conversations/:conversationId/ai',
		summary: 'Give the conversation back to the AI (active), pause it or turn it off here; a customer message never resumes it',
		tag: 'ai',
		access: 'member',
		params: conversationParams,
		body: z.object({ state: z.enum(SETTABLE_AI_STATES) }),
		response: conversationViewSchema,
		handler: async ({ caller, params, body }) => {
			const { conversation, events } = await setConversationAi(ai.db, caller, params.conversationId, body.state);
			await ai.publish(caller.workspaceId, events);
			return conversation;
		},
	});
}
