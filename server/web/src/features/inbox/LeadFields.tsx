import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { listAttendants } from './inbox-api';
import { type Lead, leadKey, type LeadPatch, updateLead } from './lead-api';

/** Saves a change to the lead and puts the answer in the cache (other pages hear lead.updated and refetch). */
function useLeadUpdate(lead: Lead, onSaved?: () => void) {
	const queryClient = useQueryClient();
	return useMutation({
		mutationFn: (patch: LeadPatch) => updateLead(lead.id, patch),
		onSuccess: (saved) => {
			queryClient.setQueryData(leadKey(lead.id), saved);
			onSaved?.();
		},
	});
}

function SaveFailed({ show }: { show: boolean }) {
	const { t } = useTranslation();
	if (!show) return null;
	return (
		<p role="alert" className="form-error">
			{t('contact.saveFailed')}
		</p>
	);
}

/**
 * The lead's score: the box shows the stored score (and follows changes made elsewhere) until the attendant types;
 * Enter or "Save score" sends it.
 */
export function LeadScore({ lead }: { lead: Lead }) {
	const { t } = useTranslation();
	const [draft, setDraft] = useState<string | null>(null);
	const save = useLeadUpdate(lead, () => setDraft(null));
	const value = draft ?? String(lead.score);
	const parsed = Number(value);
	const valid = value.trim() !== '' && Number.isInteger(parsed) && parsed >= -1000 && parsed <= 1000;
	const submit = (event: FormEvent) => {
		event.preventDefault();
		if (valid && parsed !== lead.score) save.mutate({ score: parsed });
		else setDraft(null);
	};
	return (
		<form className="lead-score" onSubmit={submit}>
			<label>
				{t('contact.score')}
				<input type="number" inputMode="numeric" min={-1000} max={1000} step={1} value={value} onChange={(e) => setDraft(e.target.value)} aria-invalid={!valid} />
			</label>
			<button type="submit" disabled={save.isPending || draft === null || !valid}>
				{t('contact.saveScore')}
			</button>
			<SaveFailed show={save.isError} />
		</form>
	);
}

/** Who owns the lead among the attendants (or nobody); saved as soon as it is chosen. */
export function LeadOwner({ lead }: { lead: Lead }) {
	const { t } = useTranslation();
	const attendants = useQuery({ queryKey: ['attendants'], queryFn: listAttendants, staleTime: 60_000 });
	const save = useLeadUpdate(lead);
	// A former attendant who still owns the lead stays listed, so the box never shows a wrong owner.
	const choices = (attendants.data?.data ?? []).filter((a) => a.isActive || a.id === lead.ownerUserId);
	return (
		<>
			<label className="lead-owner">
				{t('contact.owner')}
				<select value={lead.ownerUserId ?? ''} disabled={save.isPending} onChange={(e) => save.mutate({ ownerUserId: e.target.value || null })}>
					<option value="">{t('contact.noOwner')}</option>
					{choices.map((attendant) => (
						<option key={attendant.id} value={attendant.id}>
							{attendant.name}
						</option>
					))}
				</select>
			</label>
			<SaveFailed show={save.isError} />
		</>
	);
}

/** A custom field's value as the box shows it: text as is, anything else (numbers, lists, objects) as JSON. */
const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

let rows = 0;
const draftOf = (key: string, originalKey: string | null, text: string): FieldDraft => ({ row: ++rows, key, originalKey, text });

interface FieldDraft {
	/** Keeps each row's boxes (and focus) in place when another row is removed. */
	row: number;
	key: string;
	/** The field's name when the form opened: an untouched value keeps its stored type (a number stays a number). */
	originalKey: string | null;
	text: string;
}

/**
 * The lead's custom fields (its attributes): read as a list, changed in a small form (rename, change, add, remove),
 * saved as a whole. Keys and values are always shown as text.
 */
export function LeadCustomFields({ lead }: { lead: Lead }) {
	const { t } = useTranslation();
	const [drafts, setDrafts] = useState<FieldDraft[] | null>(null);
	const save = useLeadUpdate(lead, () => setDrafts(null));
	const entries = Object.entries(lead.attributes);
	const start = () => {
		save.reset();
		setDrafts(entries.length ? entries.map(([key, value]) => draftOf(key, key, asText(value))) : [draftOf('', null, '')]);
	};
	const change = (index: number, patch: Partial<FieldDraft>) => setDrafts((current) => (current ?? []).map((d, i) => (i === index ? { ...d, ...patch } : d)));
	const keys = (drafts ?? []).map((d) => d.key.trim()).filter(Boolean);
	const duplicate = new Set(keys).size !== keys.length;
	const submit = (event: FormEvent) => {
		event.preventDefault();
		if (!drafts || duplicate) return;
		const attributes: Record<string, unknown> = {};
		for (const draft of drafts) {
			const key = draft.key.trim();
			if (!key) continue;
			const original = draft.originalKey !== null ? lead.attributes[draft.originalKey] : undefined;
			attributes[key] = original !== undefined && asText(original) === draft.text ? original : draft.text;
		}
		save.mutate({ attributes });
	};

	if (!drafts) {
		return (
			<section className="custom-fields" aria-labelledby="custom-fields-title">
				<h4 id="custom-fields-title">{t('contact.customFields')}</h4>
				{entries.length === 0 ? (
					<p className="hint">{t('contact.noCustomFields')}</p>
				) : (
					<dl className="attribution">
						{entries.map(([key, value]) => (
							<div key={key} className="attribution-row">
								<dt>{key}</dt>
								<dd>{asText(value)}</dd>
							</div>
						))}
					</dl>
				)}
				<button type="button" className="link-button" onClick={start}>
					{t('contact.editFields')}
				</button>
			</section>
		);
	}
	return (
		<section className="custom-fields" aria-labelledby="custom-fields-title">
			<h4 id="custom-fields-title">{t('contact.customFields')}</h4>
			<form className="custom-fields-form" onSubmit={submit}>
				{drafts.map((draft, index) => (
					<fieldset key={draft.row} className="custom-field-row">
						<legend className="visually-hidden">{t('contact.fieldNumber', { number: index + 1 })}</legend>
						<label>
							{t('contact.fieldName')}
							<input maxLength={100} value={draft.key} onChange={(e) => change(index, { key: e.target.value })} />
						</label>
						<label>
							{t('contact.fieldValue')}
							<input maxLength={2000} value={draft.text} onChange={(e) => change(index, { text: e.target.value })} />
						</label>
						<button type="button" aria-label={t('contact.removeField', { name: draft.key || index + 1 })} onClick={() => setDrafts(drafts.filter((_, i) => i !== index))}>
							✕
						</button>
					</fieldset>
				))}
				<button type="button" onClick={() => setDrafts([...drafts, draftOf('', null, '')])}>
					{t('contact.addField')}
				</button>
				{duplicate && (
					<p role="alert" className="form-error">
						{t('contact.duplicateField')}
					</p>
				)}
				<div className="form-actions">
					<button type="submit" className="primary" disabled={save.isPending || duplicate}>
						{t('contact.saveFields')}
					</button>
					<button type="button" onClick={() => setDrafts(null)}>
						{t('contact.cancel')}
					</button>
				</div>
				<SaveFailed show={save.isError} />
			</form>
		</section>
	);
}
