import { canonicalPhone, phoneVariants } from '../../src/contacts/phone-number';
import { resolveChatIdentity } from '../../src/contacts/whatsapp-jid';

describe('phone numbers', () => {
	it('writes Brazilian mobiles with the ninth digit, whichever way WhatsApp addressed them', () => {
		expect(canonicalPhone('5511988887777')).toBe('+5511988887777');
		expect(canonicalPhone('551188887777')).toBe('+5511988887777');
		expect(canonicalPhone('+55 (11) 98888-7777')).toBe('+5511988887777');
		expect(phoneVariants('+5511988887777')).toEqual(['+5511988887777', '+551188887777']);
	});

	it('leaves landlines and other countries alone, and refuses junk', () => {
		expect(canonicalPhone('551133334444')).toBe('+551133334444');
		expect(canonicalPhone('14155552671')).toBe('+14155552671');
		expect(phoneVariants('+14155552671')).toEqual(['+14155552671']);
		expect(canonicalPhone('123')).toBeUndefined();
	});

	it('resolves chat identities from JID pairs', () => {
		expect(resolveChatIdentity(['201122334455667@lid', '551188887777@s.whatsapp.net'])).toEqual({ jid: '551188887777@s.whatsapp.net', lid: '201122334455667@lid', phone: '+5511988887777', isGroup: false });
		expect(resolveChatIdentity(['201122334455667@lid'])).toEqual({ jid: '201122334455667@lid', lid: '201122334455667@lid', isGroup: false });
		expect(resolveChatIdentity(['5511988887777@c.us'])).toMatchObject({ jid: '5511988887777@s.whatsapp.net' });
	});
});
