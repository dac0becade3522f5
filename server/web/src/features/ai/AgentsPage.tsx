import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Channel } from '../../lib/api-types';
import { listChannels } from '../inbox/inbox-api';
import { type Agent, type AgentDraft, createAgent, listAgents, removeAgent, updateAgent } from './ai-api';

const AGENTS_KEY = ['ai-agents'];

const splitWords = (text: string) =>
	text
		.split(',')
		.map((word) => word.trim())
		.filter(Boolean);

/** The settings form, for a new agent or one being changed. The key box is write-only: empty keeps the stored key. */
function AgentForm({ agent, channels, onDone }: { agent: Agent | null; channels: Channel[]; onDone: () => void }) {
	const { t } = useTranslation();
	const queryClient = useQueryClient();
	const [name, setName] = useState(agent?.name ?? '');
	const [model, setModel] = useState(agent?.model ?? 'gpt-4o-mini');
	const [baseUrl, setBaseUrl] = useState(agent?.baseUrl ?? '');
	const [apiKey, setApiKey] = useState('');
	const [systemPrompt, setSystemPrompt] = useState(agent?.systemPrompt ?? '');
	const [triggerType, setTriggerType] = useState<'all' | 'keyword'>(agent?.trigger.type ?? 'all');
	const [keyword, setKeyword] = useState(agent?.trigger.value ?? '');
	const [handOff, setHandOff] = useState((agent?.handOffKeywords ?? ['atendente', 'humano']).join(', '));
	const [channelIds, setChannelIds] = useState<string[]>(agent?.channelIds ?? []);
	const [enabled, setEnabled] = useState(agent?.enabled ?? true);
	const save = useMutation({
		mutationFn: (draft: AgentDraft) => (agent ? updateAgent(agent.id, draft) : createAgent(draft)),
		onSuccess: async () => {
			await queryClient.invalidateQueries({ queryKey: AGENTS_KEY });
			onDone();
		},
	});
	const submit = (event: FormEvent) => {
		event.preventDefault();
		save.mutate({
			name: name.trim(),
			enabled,
			model: model.trim(),
			baseUrl: baseUrl.trim() || null,
			...(apiKey ? { apiKey } : {}),
			systemPrompt,
			trigger: triggerType === 'keyword' ? { type: 'keyword', operator: 'contains', value: keyword.trim() } : { type: 'all', operator: 'contains' },
			handOffKeywords: splitWords(handOff),
			channelIds,
		});
	};
	const toggleChannel = (id: string, on: boolean) => setChannelIds((current) => (on ? [...current, id] : current.filter((c) => c !== id)));
	return (
		<form className="agent-form" onSubmit={submit} aria-label={agent ? t('ai.agents.editTitle', { name: agent.name }) : t('ai.agents.newTitle')}>
			<h2>{agent ? t('ai.agents.editTitle', { name: agent.name }) : t('ai.agents.newTitle')}</h2>
			<label>
				{t('ai.agents.name')}
				<input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
			</label>
			<label>
				{t('ai.agents.model')}
				<input required maxLength={200} value={model} onChange={(e) => setModel(e.target.value)} />
			</label>
			<label>
				{t('ai.agents.baseUrl')}
				<input type="url" maxLength={2000} value={baseUrl} placeholder="https://api.openai.com/v1" onChange={(e) => setBaseUrl(e.target.value)} />
			</label>
			<label>
				{t('ai.agents.apiKey')}
				<input type="password" autoComplete="off" maxLength={500} value={apiKey} onChange={(e) => setApiKey(e.target.value)} />
			</label>
			<p className="hint">{agent?.hasApiKey ? t('ai.agents.apiKeyKept') : t('ai.agents.apiKeyHint')}</p>
			<label>
				{t('ai.agents.systemPrompt')}
				<textarea rows={6} maxLength={20_000} value={systemPrompt} onChange={(e) => setSystemPrompt(e.target.value)} />
			</label>
			<p className="hint">{t('ai.agents.promptHint', { variables: '{{contact.name}}, {{channel.name}}, {{now}}' })}</p>
			<label>
				{t('ai.agents.trigger')}
				<select value={triggerType} onChange={(e) => setTriggerType(e.target.value as 'all' | 'keyword')}>
					<option value="all">{t('ai.agents.triggerAll')}</option>
					<option value="keyword">{t('ai.agents.triggerKeyword')}</option>
				</select>
			</label>
			{triggerType === 'keyword' && (
				<label>
					{t('ai.agents.keyword')}
					<input required maxLength={500} value={keyword} onChange={(e) => setKeyword(e.target.value)} />
				</label>
			)}
			<label>
				{t('ai.agents.handOffKeywords')}
				<input maxLength={2000} value={handOff} onChange={(e) => setHandOff(e.target.value)} />
			</label>
			<fieldset>
				<legend>{t('ai.agents.channels')}</legend>
				{channels.length === 0 && <p className="hint">{t('ai.agents.noChannels')}</p>}
				{channels.map((channel) => (
					<label key={channel.id} className="inline">
						<input type="checkbox" checked={channelIds.includes(channel.id)} onChange={(e) => toggleChannel(channel.id, e.target.checked)} />
						{channel.name}
					</label>
				))}
				<p className="hint">{t('ai.agents.channelsHint')}</p>
			</fieldset>
			<label className="inline">
				<input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
				{t('ai.agents.enabled')}
			</label>
			{save.isError && (
				<p role="alert" className="form-error">
					{t('ai.agents.saveFailed', { reason: save.error.message })}
				</p>
			)}
			<div className="form-actions">
				<button type="submit" className="primary" disabled={save.isPending}>
					{t('ai.agents.save')}
				</button>
				<button type="button" onClick={onDone}>
					{t('contact.cancel')}
				</button>
			</div>
		</form>
	);
}

/** One agent in the list: what it runs, where it answers, and switching it on or off. */
function AgentCard({ agent, channels, onEdit }: { agent: Agent; channels: Channel[]; onEdit: () => void }) {
	const { t } = useTranslation();
	const queryClient = useQueryClient();
	const refresh = () => queryClient.invalidateQueries({ queryKey: AGENTS_KEY });
	const toggle = useMutation({ mutationFn: () => updateAgent(agent.id, { enabled: !agent.enabled }), onSettled: refresh });
	const remove = useMutation({ mutationFn: () => removeAgent(agent.id), onSettled: refresh });
	const names = agent.channelIds.map((id) => channels.find((c) => c.id === id)?.name ?? id);
	return (
		<li className="agent-card" aria-label={agent.name}>
			<div className="agent-main">
				<h2>{agent.name}</h2>
				<span className={agent.enabled ? 'agent-state on' : 'agent-state off'}>{agent.enabled ? t('ai.agents.on') : t('ai.agents.off')}</span>
				<span className="hint">
					{t('ai.agents.model')}: {agent.model}
				</span>
				<span className="hint">{names.length ? t('ai.agents.answers', { channels: names.join(', ') }) : t('ai.agents.noChannel')}</span>
				{!agent.hasApiKey && !agent.baseUrl && <span className="hint warning">{t('ai.agents.noKey')}</span>}
			</div>
			<div className="agent-actions">
				<button type="button" onClick={() => toggle.mutate()} disabled={toggle.isPending}>
					{agent.enabled ? t('ai.agents.disable') : t('ai.agents.enable')}
				</button>
				<button type="button" onClick={onEdit}>
					{t('ai.agents.edit')}
				</button>
				<button type="button" className="danger" onClick={() => window.confirm(t('ai.agents.confirmRemove', { name: agent.name })) && remove.mutate()}>
					{t('ai.agents.remove')}
				</button>
			</div>
			{(toggle.isError || remove.isError) && (
				<p role="alert" className="form-error">
					{t('errors.unexpected')}
				</p>
			)}
		</li>
	);
}

/** "Agentes de IA" (admins): the agents that answer customers, their model and prompt, and the channels they answer. */
export function AgentsPage({ isAdmin }: { isAdmin: boolean }) {
	const { t } = useTranslation();
	const agents = useQuery({ queryKey: AGENTS_KEY, queryFn: listAgents, enabled: isAdmin });
	const channels = useQuery({ queryKey: ['channels'], queryFn: listChannels, enabled: isAdmin });
	const [editing, setEditing] = useState<Agent | 'new' | null>(null);
	if (!isAdmin) {
		return (
			<section className="agents-page">
				<p className="empty">{t('ai.agents.adminsOnly')}</p>
			</section>
		);
	}
	const channelList = channels.data?.data ?? [];
	return (
		<section className="agents-page" aria-labelledby="agents-title">
			<header className="channels-header">
				<h1 id="agents-title">{t('app.ai')}</h1>
				<button type="button" className="primary" onClick={() => setEditing('new')}>
					{t('ai.agents.add')}
				</button>
			</header>
			<p className="hint">{t('ai.agents.intro')}</p>
			{editing && <AgentForm key={editing === 'new' ? 'new' : editing.id} agent={editing === 'new' ? null : editing} channels={channelList} onDone={() => setEditing(null)} />}
			{agents.isError && (
				<p role="alert" className="form-error">
					{t('errors.unreachable')}
				</p>
			)}
			{agents.data?.data.length === 0 && !editing && <p className="empty">{t('ai.agents.none')}</p>}
			<ul className="agent-list">
				{agents.data?.data.map((agent) => (
					<AgentCard key={agent.id} agent={agent} channels={channelList} onEdit={() => setEditing(agent)} />
				))}
			</ul>
		</section>
	);
}
