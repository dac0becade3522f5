/** WhatsApp Business labels every new sandbox instance starts with (findLabels is [] on a fresh real server). */
import type { InstanceState } from './instance-state';

const SEED = [
	{ id: '1', name: 'New customer', color: 1, predefinedId: '1' },
	{ id: '2', name: 'New order', color: 2, predefinedId: '2' },
	{ id: '3', name: 'Pending payment', color: 3, predefinedId: '3' },
	{ id: '4', name: 'Paid', color: 4, predefinedId: '4' },
	{ id: '5', name: 'Order complete', color: 5, predefinedId: '5' },
];

export function seedLabels(instance: InstanceState): void {
	for (const label of SEED) instance.labels.set(label.id, { ...label });
}
