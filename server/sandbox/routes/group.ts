/** /group/*: Baileys GroupMetadata kept in memory, with Evolution's group validation and error shapes. */
import { cuid, groupJid as newGroupJid, inviteCode as newInviteCode, lidFor } from '../domain/ids';
import type { GroupRow, InstanceState } from '../domain/instance-state';
import { createJid } from '../domain/jid';
import { badRequest } from '../http/errors';
import { defineRoute, type RouteContext, type RouteDeps } from '../http/route';
import { schemas } from '../http/schemas';
import { validateBody, validateGroupBody } from '../http/validate';
import type { Schema } from '../http/json-schema';
import { requireSocket, sendMessage } from '../messages/sender';
import { nowSeconds } from '../messages/message-row';

/** groupValidate: groupJid from the body or the query, @g.us appended, then the {property,message}[] schema check. */
function groupRequest<T>({ body, query }: RouteContext, schema: Schema): T & { groupJid: string } {
	let groupJid = body.groupJid ?? query.groupJid;
	if (!groupJid) throw badRequest('The group id needs to be informed in the query', 'ex: "groupJid=120362@g.us"');
	if (!String(groupJid).endsWith('@g.us')) groupJid = `${groupJid}@g.us`;
	return validateGroupBody<T & { groupJid: string }>({ ...body, groupJid }, schema);
}

function findGroup(instance: InstanceState, jid: string): GroupRow {
	const group = instance.groups.get(jid);
	// Baileys answers an unknown group with a 'item-not-found' error, rendered as a 400 by Evolution.
	if (!group) throw badRequest('Error: item-not-found');
	return group;
}

export function groupMetadata(group: GroupRow, withParticipants = true) {
	return {
		id: group.id,
		subject: group.subject,
		subjectOwner: group.subjectOwner,
		subjectTime: group.subjectTime,
		pictureUrl: group.pictureUrl,
		size: group.participants.length,
		creation: group.creation,
		owner: group.owner,
		desc: group.desc,
		descId: group.descId,
		restrict: group.restrict,
		announce: group.announce,
		...(withParticipants ? { participants: group.participants } : {}),
		isCommunity: false,
		isCommunityAnnounce: false,
	};
}

const participantFor = (number: string, admin: GroupRow['participants'][number]['admin'] = null) => {
	const phoneNumber = createJid(number);
	return { id: lidFor(phoneNumber.split('@')[0]), phoneNumber, admin };
};

export function registerGroupRoutes(deps: RouteDeps): void {
	const { world } = deps;
	const route = (method: 'GET' | 'POST' | 'DELETE', path: string, status: number, handler: (context: RouteContext) => unknown) =>
		defineRoute(deps, {
			method,
			path: `/group/${path}`,
			status,
			handler: (context) => {
				return handler(context);
			},
		});

	route('POST', 'create', 201, ({ instance, body }) => {
		const data = validateBody<{ subject: string; participants: string[]; description?: string; promoteParticipants?: boolean }>(body, schemas.createGroup);
		requireSocket(instance, 'groupCreate');
		const now = nowSeconds();
		const owner = instance.wuid as string;
		const group: GroupRow = {
			id: newGroupJid(),
			subject: data.subject,
			subjectOwner: owner,
			subjectTime: now,
			pictureUrl: null,
			creation: now,
			owner,
			desc: data.description ?? '',
			descId: cuid().toUpperCase(),
			restrict: false,
			announce: false,
			participants: [
				{ id: lidFor(owner.split('@')[0]), phoneNumber: owner, admin: 'superadmin' },
				...data.participants.map((number) => participantFor(number, data.promoteParticipants ? 'admin' : null)),
			],
			inviteCode: newInviteCode(),
		};
		instance.groups.set(group.id, group);
		const now2 = new Date();
		instance.contacts.set(group.id, { id: cuid(), remoteJid: group.id, pushName: group.subject, profilePicUrl: null, createdAt: now2, updatedAt: now2 });
		const metadata = { ...groupMetadata(group), joinApprovalMode: false, memberAddMode: false, addressingMode: 'lid' };
		world.emit(instance, 'groups.upsert', [metadata]);
		return metadata;
	});

	route('GET', 'fetchAllGroups', 200, ({ instance, query, body }) => {
		if (!query.getParticipants) throw badRequest('The getParticipants needs to be informed in the query');
		const data = validateGroupBody<{ getParticipants: string }>({ ...body, getParticipants: query.getParticipants }, schemas.getParticipants);
		requireSocket(instance, 'groupFetchAllParticipating');
		return [...instance.groups.values()].map((group) => groupMetadata(group, data.getParticipants === 'true'));
	});

	route('GET', 'findGroupInfos', 200, (context) => {
		const data = groupRequest(context, schemas.groupJid);
		requireSocket(context.instance, 'groupMetadata');
		return groupMetadata(findGroup(context.instance, data.groupJid));
	});

	route('GET', 'participants', 200, (context) => {
		const data = groupRequest(context, schemas.groupJid);
		requireSocket(context.instance, 'groupMetadata');
		const group = findGroup(context.instance, data.groupJid);
		return {
			participants: group.participants.map((participant) => ({
				...participant,
				name: context.instance.contacts.get(participant.phoneNumber)?.pushName,
				imgUrl: context.instance.contacts.get(participant.phoneNumber)?.profilePicUrl ?? undefined,
			})),
		};
	});

	route('POST', 'updateParticipant', 201, (context) => {
		const data = groupRequest<{ action: 'add' | 'remove' | 'promote' | 'demote'; participants: string[] }>(context, schemas.updateParticipants);
		requireSocket(context.instance, 'groupParticipantsUpdate');
		const { instance } = context;
		const group = findGroup(instance, data.groupJid);
		const changed = data.participants.map((number) => {
			const jid = createJid(number);
			let participant = group.participants.find((candidate) => candidate.phoneNumber === jid);
			if (data.action === 'add' && !participant) {
				participant = participantFor(number);
				group.participants.push(participant);
			} else if (data.action === 'remove') {
				group.participants = group.participants.filter((candidate) => candidate.phoneNumber !== jid);
			} else if (participant) {
				participant.admin = data.action === 'promote' ? 'admin' : null;
			}
			return participant ?? participantFor(number);
		});
		const ownerLid = lidFor((instance.wuid as string).split('@')[0]);
		world.emit(instance, 'group-participants.update', {
			id: group.id,
			author: ownerLid,
			authorPn: instance.wuid,
			participants: changed,
			action: data.action,
			// Evolution's enrichment assumes string participants (Baileys 7 sends objects).
			participantsData: changed.map((participant) => ({ jid: participant, phoneNumber: '[object Object]' })),
		});
		return { updateParticipants: changed.map((participant) => ({ status: '200', jid: participant.phoneNumber, content: { tag: 'participant', attrs: { jid: participant.phoneNumber } } })) };
	});

	route('POST', 'updateGroupSubject', 201, (context) => {
		const data = groupRequest<{ subject: string }>(context, schemas.updateGroupSubject);
		requireSocket(context.instance, 'groupUpdateSubject');
		const group = findGroup(context.instance, data.groupJid);
		group.subject = data.subject;
		group.subjectTime = nowSeconds();
		return { update: 'success' };
	});

	route('POST', 'updateGroupDescription', 201, (context) => {
		const data = groupRequest<{ description: string }>(context, schemas.updateGroupDescription);
		requireSocket(context.instance, 'groupUpdateDescription');
		const group = findGroup(context.instance, data.groupJid);
		group.desc = data.description;
		group.descId = cuid().toUpperCase();
		return { update: 'success' };
	});

	route('POST', 'updateGroupPicture', 201, (context) => {
		const data = groupRequest<{ image: string }>(context, schemas.updateGroupPicture);
		requireSocket(context.instance, 'updateProfilePicture');
		findGroup(context.instance, data.groupJid).pictureUrl = `https://pps.whatsapp.net/v/t61.24694-24/${Date.now()}_n.jpg`;
		return { update: 'success' };
	});

	route('GET', 'inviteCode', 200, (context) => {
		const data = groupRequest(context, schemas.groupJid);
		requireSocket(context.instance, 'groupInviteCode');
		const group = findGroup(context.instance, data.groupJid);
		return { inviteUrl: `https://chat.whatsapp.com/${group.inviteCode}`, inviteCode: group.inviteCode };
	});

	route('POST', 'revokeInviteCode', 201, (context) => {
		const data = groupRequest(context, schemas.groupJid);
		requireSocket(context.instance, 'groupRevokeInvite');
		const group = findGroup(context.instance, data.groupJid);
		group.inviteCode = newInviteCode();
		return { revoked: true, inviteCode: group.inviteCode };
	});

	route('POST', 'sendInvite', 200, async ({ instance, body }) => {
		const data = validateGroupBody<{ groupJid: string; description: string; numbers: string[] }>(body, schemas.groupSendInvite);
		requireSocket(instance, 'groupInviteCode');
		const group = findGroup(instance, data.groupJid.endsWith('@g.us') ? data.groupJid : `${data.groupJid}@g.us`);
		const inviteUrl = `https://chat.whatsapp.com/${group.inviteCode}`;
		for (const number of data.numbers)
			await sendMessage(world, instance, number, {}, () => ({
				messageType: 'conversation',
				content: { conversation: `${data.description}\n\n${inviteUrl}` },
			}));
		return { send: true, inviteUrl };
	});

	route('DELETE', 'leaveGroup', 200, (context) => {
		const data = groupRequest(context, schemas.groupJid);
		requireSocket(context.instance, 'groupLeave');
		findGroup(context.instance, data.groupJid);
		context.instance.groups.delete(data.groupJid);
		return { groupJid: data.groupJid, leave: true };
	});
}
