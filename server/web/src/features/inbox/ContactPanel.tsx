import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Conversation } from '../../lib/api-types';
import { contactName } from './format';
import { getLead, LEAD_STATUSES, leadKey, type LeadStatus, renameContact, updateLead } from './lead-api';
import { LeadCustomFields, LeadOwner, LeadScore } from './LeadFields';

/** The contact's name, and a small form to change it (an empty name returns to the WhatsApp name). */
function ContactNameField({ conversation }: { conversation: Conversation }) {
	const { t } = useTranslation();
	const queryClient = useQueryClient();
	const [editing, setEditing] = useState(false);
	const [draft, setDraft] = useState('');
	const c = conversation.contact;
	const rename = useMutation({
		mutationFn: (name: string | null) => renameContact(c.id, name),
		onSuccess: async () => {
			setEditing(false);
			await Promise.all([
				queryClient.invalidateQueries({ queryKey: ['conversation', conversation.id] }),
				queryClient.invalidateQueries({ queryKey: ['conversations'] }),
			]);
		},
	});
	const submit = (event: FormEvent) => {
		event.preventDefault();
		rename.mutate(draft.trim() ? draft.trim() : null);
	};
	if (!editing) {
		return (
			<>
				<dt>{t('contact.name')}</dt>
				<dd className="contact-name">
					<span>{contactName(c)}</span>
					<button
						type="button"
						className="link-button"
						onClick={() => {
							setDraft(c.name ?? '');
							rename.reset();
							setEditing(true);
						}}
					>
						{t('contact.editName')}
					</button>
				</dd>
			</>
		);
	}
	return (
		<>
			<dt>{t('contact.name')}</dt>
			<dd>
				<form className="contact-name-form" onSubmit={submit}>
					<label>
						{t('contact.newName')}
						<input autoFocus maxLength={200} value={draft} placeholder={c.pushName ?? ''} onChange={(e) => setDraft(e.target.value)} />
					</label>
					<p className="hint">{t('contact.nameHint')}</p>
					<button type="submit" className="primary" disabled={rename.isPending}>
						{t('contact.saveName')}
					</button>
					<button type="button" onClick={() => setEditing(false)}>
						{t('contact.cancel')}
					</button>
					{rename.isError && (
						<p role="alert" className="form-error">
							{t('contact.nameFailed')}
						</p>
					)}
				</form>
			</dd>
		</>
	);
}

/**
 * The side panel: who the customer is (name, WhatsApp name, phone) and, when the conversation has a lead, its
 * status, score, owner and custom fields (editable, through the public leads API), where it came from and its
 * attribution (click-to-WhatsApp ad, UTM, the first-touch token). Changes made elsewhere show here live (lead.* and
 * contact.* events refresh it).
 * Everything is text; an ad's URL is shown, never followed.
 */
export function ContactPanel({ conversation, onClose }: { conversation: Conversation; onClose: () => void }) {
	const { t } = useTranslation();
	const queryClient = useQueryClient();
	const leadId = conversation.leadId;
	const lead = useQuery({ queryKey: leadKey(leadId), queryFn: () => getLead(leadId!), enabled: !!leadId });
	const status = useMutation({
		mutationFn: (next: LeadStatus) => updateLead(leadId!, { status: next }),
		onSuccess: (saved) => queryClient.setQueryData(leadKey(leadId), saved),
	});
	const c = conversation.contact;
	const l = lead.data;
	const attribution: Array<[string, string | null | undefined]> = l
		? [
				['adHeadline', l.adHeadline],
				['adSourceType', l.adSourceType],
				['adSourceUrl', l.adSourceUrl],
				['ctwaClid', l.ctwaClid],
				['utmSource', l.utmSource],
				['utmMedium', l.utmMedium],
				['utmCampaign', l.utmCampaign],
				['firstTouchToken', l.firstTouchToken],
			]
		: [];
	const shown = attribution.filter(([, value]) => value);
	return (
		<aside className="contact-panel" aria-label={t('contact.title')}>
			<header>
				<h3>{t('contact.title')}</h3>
				<button type="button" aria-label={t('media.close')} onClick={onClose}>
					✕
				</button>
			</header>
			<dl>
				<ContactNameField conversation={conversation} />
				{c.pushName && c.pushName !== c.name && (
					<>
						<dt>{t('contact.pushName')}</dt>
						<dd>{c.pushName}</dd>
					</>
				)}
				<dt>{t('contact.phone')}</dt>
				<dd>{c.phoneE164 ?? c.waJid ?? '—'}</dd>
			</dl>
			{!leadId && <p className="hint">{t('contact.noLead')}</p>}
			{l && (
				<>
					<h4>{t('contact.lead')}</h4>
					<label className="lead-status">
						{t('contact.status')}
						<select value={l.status} onChange={(e) => status.mutate(e.target.value as LeadStatus)} disabled={status.isPending}>
							{LEAD_STATUSES.map((value) => (
								<option key={value} value={value}>
									{t(`contact.statuses.${value}`)}
								</option>
							))}
						</select>
					</label>
					{status.isError && (
						<p role="alert" className="form-error">
							{t('errors.unexpected')}
						</p>
					)}
					<LeadScore lead={l} />
					<LeadOwner lead={l} />
					<dl>
						{l.name && (
							<>
								<dt>{t('contact.leadName')}</dt>
								<dd>{l.name}</dd>
							</>
						)}
						<dt>{t('contact.source')}</dt>
						<dd>{t(`contact.sources.${l.source}`, { defaultValue: l.source })}</dd>
						{l.email && (
							<>
								<dt>{t('contact.email')}</dt>
								<dd>{l.email}</dd>
							</>
						)}
					</dl>
					<LeadCustomFields lead={l} />
					<h4>{t('contact.attribution')}</h4>
					{shown.length === 0 ? (
						<p className="hint">{t('contact.noAttribution')}</p>
					) : (
						<dl className="attribution">
							{shown.map(([key, value]) => (
								<div key={key} className="attribution-row">
									<dt>{t(`contact.fields.${key}`)}</dt>
									<dd>{value}</dd>
								</div>
							))}
						</dl>
					)}
				</>
			)}
		</aside>
	);
}
