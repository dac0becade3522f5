/**
 * A small subset of the `jsonschema` package, enough for Evolution's schemas, producing the same
 * error strings: `stack` with the first "instance." removed, or the schema's `description`.
 * Evolution relies on these exact texts (e.g. `instance requires property "text"`).
 */
export interface Schema {
	type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
	properties?: Record<string, Schema>;
	required?: string[];
	items?: Schema;
	enum?: unknown[];
	minLength?: number;
	pattern?: string;
	minItems?: number;
	maxItems?: number;
	uniqueItems?: boolean;
	minimum?: number;
	maximum?: number;
	description?: string;
}

export interface SchemaError {
	property: string;
	message: string;
}

function typeMatches(value: unknown, type: NonNullable<Schema['type']>): boolean {
	switch (type) {
		case 'object':
			return typeof value === 'object' && value !== null && !Array.isArray(value);
		case 'array':
			return Array.isArray(value);
		case 'integer':
			return typeof value === 'number' && Number.isInteger(value);
		default:
			return typeof value === type;
	}
}

function walk(value: unknown, schema: Schema, path: string, errors: SchemaError[]): void {
	const fail = (message: string) =>
		errors.push({ property: path, message: schema.description ?? `${path} ${message}`.replace('instance.', '') });
	// jsonschema visits keywords in the schema's own key order; so do we.
	for (const keyword of Object.keys(schema) as Array<keyof Schema>) {
		switch (keyword) {
			case 'type':
				if (value !== undefined && !typeMatches(value, schema.type!)) fail(`is not of a type(s) ${schema.type}`);
				break;
			case 'enum':
				if (value !== undefined && !schema.enum!.some((option) => option === value))
					fail(`is not one of enum values: ${schema.enum!.map(String).join(',')}`);
				break;
			case 'minLength':
				if (typeof value === 'string' && [...value].length < schema.minLength!)
					fail(`does not meet minimum length of ${schema.minLength}`);
				break;
			case 'pattern':
				if (typeof value === 'string' && !new RegExp(schema.pattern!).test(value))
					fail(`does not match pattern ${JSON.stringify(schema.pattern)}`);
				break;
			case 'minimum':
				if (typeof value === 'number' && value < schema.minimum!)
					fail(`must be greater than or equal to ${schema.minimum}`);
				break;
			case 'maximum':
				if (typeof value === 'number' && value > schema.maximum!)
					fail(`must be less than or equal to ${schema.maximum}`);
				break;
			case 'minItems':
				if (Array.isArray(value) && value.length < schema.minItems!)
					fail(`does not meet minimum length of ${schema.minItems}`);
				break;
			case 'maxItems':
				if (Array.isArray(value) && value.length > schema.maxItems!)
					fail(`does not meet maximum length of ${schema.maxItems}`);
				break;
			case 'uniqueItems':
				if (Array.isArray(value) && new Set(value.map((item) => JSON.stringify(item))).size !== value.length)
					fail('contains duplicate item');
				break;
			case 'items':
				if (Array.isArray(value)) value.forEach((item, index) => walk(item, schema.items!, `${path}[${index}]`, errors));
				break;
			case 'properties':
				if (typeMatches(value, 'object')) {
					const record = value as Record<string, unknown>;
					for (const [name, child] of Object.entries(schema.properties!)) {
						if (record[name] !== undefined) walk(record[name], child, `${path}.${name}`, errors);
					}
				}
				break;
			case 'required':
				if (typeMatches(value, 'object')) {
					for (const name of schema.required!) {
						if ((value as Record<string, unknown>)[name] === undefined)
							errors.push({ property: path, message: `${path} requires property "${name}"`.replace('instance.', '') });
					}
				}
				break;
			default:
				break;
		}
	}
}

export function validateSchema(value: unknown, schema: Schema): SchemaError[] {
	const errors: SchemaError[] = [];
	walk(value, schema, 'instance', errors);
	return errors;
}
