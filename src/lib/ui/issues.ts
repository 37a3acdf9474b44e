import type { Issue } from '../pipeline/kit/errors';
import type { Field } from './fields';

/** Places each issue beside the field its path points into; what matches no field is shown above the form. */
export function issuesByField(issues: Issue[], fields: Field[]): { byField: Record<string, string[]>; general: Issue[] } {
	const byField: Record<string, string[]> = {};
	const general: Issue[] = [];
	for (const issue of issues) {
		const path = issue.path.join('.');
		const owner = fields.find((f) => path === f.name || path.startsWith(`${f.name}.`));
		if (!owner) general.push(issue);
		else {
			const detail = path === owner.name ? issue.message : `${path.slice(owner.name.length + 1)}: ${issue.message}`;
			(byField[owner.name] ??= []).push(detail);
		}
	}
	return { byField, general };
}
