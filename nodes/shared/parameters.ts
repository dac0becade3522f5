import type { IExecuteFunctions, IGetNodeParameterOptions, NodeParameterValueType } from 'n8n-workflow';

/** Whether a node parameter as saved holds an expression anywhere (a string starting with "="). */
function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(holdsExpression);
	if (typeof value === 'object' && value !== null) return Object.values(value).some(holdsExpression);
	return false;
}

/** Per run: the node's saved parameters (read once: n8n's getNode() copies the whole node every time) and the plain values. */
const perRun = new WeakMap<object, { saved: Record<string, unknown>; fixed: Map<string, NodeParameterValueType | object> }>();

/**
 * A parameter's value for an item, worked out once per run when the parameter holds no expression (then every
 * item has the same value). n8n evaluates a parameter for every item it is asked for, which is a good part of what an
 * item costs in a run of many items; a plain Instance or Options field need not be.
 */
export function itemParameter(
	this: IExecuteFunctions,
	name: string,
	itemIndex: number,
	fallback?: unknown,
	options?: IGetNodeParameterOptions,
): NodeParameterValueType | object {
	let run = perRun.get(this);
	if (!run) {
		run = { saved: this.getNode().parameters, fixed: new Map() };
		perRun.set(this, run);
	}
	const saved = run.saved[name];
	if (saved === undefined || holdsExpression(saved)) return this.getNodeParameter(name, itemIndex, fallback, options);
	const key = `${name}\u0000${options?.extractValue === true ? 'value' : 'raw'}`;
	if (!run.fixed.has(key)) run.fixed.set(key, this.getNodeParameter(name, itemIndex, fallback, options));
	const value = run.fixed.get(key);
	// A copy of an object, so an operation that changes what it was given cannot change the next item's.
	return typeof value === 'object' && value !== null ? (JSON.parse(JSON.stringify(value)) as object) : (value as NodeParameterValueType);
}
