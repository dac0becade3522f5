import { api, unwrap } from '../../lib/api-client';

export const fetchSignup = () => unwrap(api.GET('/api/v1/auth/signup'));
export const fetchMe = () => unwrap(api.GET('/api/v1/auth/me'));
export const signIn = (email: string, password: string) => unwrap(api.POST('/api/v1/auth/login', { body: { email, password } }));
export const register = (body: { workspaceName: string; name: string; email: string; password: string }) =>
	unwrap(api.POST('/api/v1/auth/register', { body }));
export const signOut = () => unwrap<undefined>(api.POST('/api/v1/auth/logout'));
