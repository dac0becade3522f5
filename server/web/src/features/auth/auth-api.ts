import { api, unwrap } from '../../lib/api-client';
import type { Me, SessionAnswer } from '../../lib/api-types';

export const fetchSignup = () => unwrap<{ open: boolean; mode: 'first' | 'open' | 'closed' }>(api.GET('/api/v1/auth/signup'));
export const fetchMe = () => unwrap<Me>(api.GET('/api/v1/auth/me'));
export const signIn = (email: string, password: string) => unwrap<SessionAnswer>(api.POST('/api/v1/auth/login', { body: { email, password } }));
export const register = (body: { workspaceName: string; name: string; email: string; password: string }) =>
	unwrap<SessionAnswer>(api.POST('/api/v1/auth/register', { body }));
export const signOut = () => unwrap<undefined>(api.POST('/api/v1/auth/logout'));
