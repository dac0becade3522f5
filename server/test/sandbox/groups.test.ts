/** Groups: lifecycle and Evolution's group error shapes ({property,message}[], groupJid / getParticipants messages). */
import { SandboxClient } from './support/sandbox-client';

describe('sandbox groups', () => {
	let sandbox: SandboxClient;
	let groupJid: string;
	beforeAll(async () => {
		sandbox = await SandboxClient.start();
		await sandbox.openInstance('grp', undefined, { number: '5511999990000' });
		const created = await sandbox.post('/group/create/grp', { subject: 'Equipe', participants: ['5511988887777'], description: 'Vendas' });
		expect(created.status).toBe(201);
		groupJid = created.body.id;
	});
	afterAll(() => sandbox.close());

	it('creates, describes, lists and updates a group', async () => {
		expect(groupJid).toMatch(/^1203630\d{11}@g\.us$/);
		const info = await sandbox.get(`/group/findGroupInfos/grp?groupJid=${groupJid}`);
		expect(info.body).toMatchObject({ id: groupJid, subject: 'Equipe', desc: 'Vendas', size: 2 });
		const withoutParticipants = await sandbox.get('/group/fetchAllGroups/grp?getParticipants=false');
		expect(withoutParticipants.body[0]).not.toHaveProperty('participants');
		expect((await sandbox.get('/group/fetchAllGroups/grp?getParticipants=true')).body[0].participants).toHaveLength(2);
		expect((await sandbox.post(`/group/updateGroupSubject/grp?groupJid=${groupJid}`, { subject: 'Time' })).body).toEqual({ update: 'success' });
		expect((await sandbox.post('/group/updateGroupDescription/grp', { groupJid, description: 'Novo' })).status).toBe(201);
		expect((await sandbox.post(`/group/updateGroupPicture/grp?groupJid=${groupJid}`, { image: 'https://example.com/a.png' })).status).toBe(201);
		const update = await sandbox.post(`/group/updateParticipant/grp?groupJid=${groupJid.replace('@g.us', '')}`, { action: 'add', participants: ['5511977776666'] });
		expect(update.status).toBe(201);
		expect((await sandbox.get(`/group/participants/grp?groupJid=${groupJid}`)).body.participants).toHaveLength(3);
		const invite = await sandbox.get(`/group/inviteCode/grp?groupJid=${groupJid}`);
		expect(invite.body.inviteCode).toMatch(/^[A-Za-z0-9]{22}$/);
		const revoked = await sandbox.post(`/group/revokeInviteCode/grp?groupJid=${groupJid}`);
		expect(revoked.body.revoked).toBe(true);
		expect(revoked.body.inviteCode).not.toBe(invite.body.inviteCode);
		const sent = await sandbox.post('/group/sendInvite/grp', { groupJid, description: 'Entra aí', numbers: ['5511988887777'] });
		expect(sent.body).toEqual({ send: true, inviteUrl: `https://chat.whatsapp.com/${revoked.body.inviteCode}` });
		expect((await sandbox.delete(`/group/leaveGroup/grp?groupJid=${groupJid}`)).body).toEqual({ groupJid, leave: true });
	});

	it('uses the group error shapes', async () => {
		const missing = await sandbox.get('/group/findGroupInfos/grp');
		expect(missing.body).toEqual({
			status: 400,
			error: 'Bad Request',
			response: { message: ['The group id needs to be informed in the query', 'ex: "groupJid=120362@g.us"'] },
		});
		const noFlag = await sandbox.get('/group/fetchAllGroups/grp');
		expect(noFlag.body.response.message).toEqual(['The getParticipants needs to be informed in the query']);
		const badFlag = await sandbox.get('/group/fetchAllGroups/grp?getParticipants=yes');
		expect(badFlag.body.response.message).toEqual([{ property: 'getParticipants', message: 'getParticipants is not one of enum values: true,false' }]);
		const badParticipants = await sandbox.post(`/group/updateParticipant/grp?groupJid=${groupJid}`, { action: 'add', participants: ['123'] });
		expect(badParticipants.body.response.message).toEqual([{ property: 'participants[0]', message: '"participants" must be an array of numeric strings' }]);
		const badCreate = await sandbox.post('/group/create/grp', { subject: 'x' });
		expect(badCreate.body.response.message).toEqual([['instance requires property "participants"']]);
	});
});
