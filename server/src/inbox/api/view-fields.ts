/**
 * A view's columns: [name in the answer, SQL computing it]. Renders the select list, optionally under a prefix (for a
 * statement that returns other columns in the same rows), and reads the view back from such a row.
 */
export class ViewFields<T> {
	private readonly keysByPrefix = new Map<string, Array<[string, string]>>();

	constructor(private readonly fields: ReadonlyArray<readonly [keyof T & string, string]>) {}

	columns(prefix = ''): string {
		return this.fields.map(([name, sql]) => `${sql} AS "${prefix}${name}"`).join(', ');
	}

	/** The view in a row selected with columns(prefix), or undefined when its first column (the id) is null. */
	fromRow(row: Record<string, unknown>, prefix: string): T | undefined {
		const keys = this.prefixed(prefix);
		if (row[keys[0][1]] === null || row[keys[0][1]] === undefined) return undefined;
		const view: Record<string, unknown> = {};
		for (const [name, key] of keys) view[name] = row[key];
		return view as T;
	}

	private prefixed(prefix: string): Array<[string, string]> {
		let keys = this.keysByPrefix.get(prefix);
		if (!keys) this.keysByPrefix.set(prefix, (keys = this.fields.map(([name]) => [name, `${prefix}${name}`])));
		return keys;
	}
}
