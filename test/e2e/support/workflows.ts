import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT } from './package-tarball';

export type WorkflowJson = {
	id: string;
	name: string;
	nodes: Array<{ name: string; type: string; webhookId?: string; parameters: Record<string, any>; credentials?: Record<string, { id: string; name: string }> }>;
	[key: string]: unknown;
};

/** Every workflow in workflows/, by id. */
export function loadRepoWorkflows(): Map<string, WorkflowJson> {
	const dir = join(REPO_ROOT, 'workflows');
	const workflows = new Map<string, WorkflowJson>();
	for (const file of readdirSync(dir).filter((name) => name.endsWith('.json')).sort()) {
		const workflow = JSON.parse(readFileSync(join(dir, file), 'utf8')) as WorkflowJson;
		if (typeof workflow.id !== 'string' || workflow.id.length > 16) throw new Error(`${file}: the workflow id must be a string of at most 16 characters`);
		if (workflows.has(workflow.id)) throw new Error(`${file}: duplicate workflow id ${workflow.id}`);
		workflows.set(workflow.id, workflow);
	}
	return workflows;
}

/** A deep copy with changes to one node's parameters (and optionally a new id, name and webhookId). */
export function variant(
	workflow: WorkflowJson,
	change: { id?: string; name?: string; node: string; parameters?: Record<string, unknown>; webhookId?: string },
): WorkflowJson {
	const copy = JSON.parse(JSON.stringify(workflow)) as WorkflowJson;
	if (change.id) copy.id = change.id;
	if (change.name) copy.name = change.name;
	const node = copy.nodes.find((candidate) => candidate.name === change.node);
	if (!node) throw new Error(`workflow ${workflow.id} has no node "${change.node}"`);
	Object.assign(node.parameters, change.parameters ?? {});
	if (change.webhookId) node.webhookId = change.webhookId;
	return copy;
}
