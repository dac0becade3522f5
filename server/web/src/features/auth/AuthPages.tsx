import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiFailure } from '../../lib/api-client';
import type { SessionAnswer } from '../../lib/api-types';
import { LanguageSwitch } from '../../app/LanguageSwitch';
import { fetchSignup, register, signIn } from './auth-api';

/** What the server's refusal means for the person at the form. */
function failureText(t: (key: string) => string, error: unknown): string {
	if (error instanceof ApiFailure) {
		if (error.status === 0) return t('errors.unreachable');
		if (error.status === 401) return t('auth.wrongPassword');
		if (error.status === 429) return t('auth.tooManyTries');
		if (error.code === 'signup_closed') return t('auth.signupClosed');
		if (error.code === 'validation_error') return `${t('errors.invalid')} (${error.message})`;
		return error.message;
	}
	return t('errors.unexpected');
}

/**
 * The first screen: "create your workspace" while the server has none (GET /auth/signup), the sign-in form
 * otherwise (and a link to sign-up where the server takes new workspaces).
 */
export function AuthPages({ onSignedIn }: { onSignedIn: (session: SessionAnswer) => void }) {
	const { t } = useTranslation();
	const [signup, setSignup] = useState<{ open: boolean; mode: string } | null>(null);
	const [mode, setMode] = useState<'signin' | 'signup'>('signin');
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);

	useEffect(() => {
		fetchSignup()
			.then((answer) => {
				setSignup(answer);
				if (answer.open && answer.mode === 'first') setMode('signup');
			})
			.catch((e: unknown) => setError(failureText(t, e)));
	}, [t]);

	const submit = (run: () => Promise<SessionAnswer>) => async (event: FormEvent) => {
		event.preventDefault();
		setBusy(true);
		setError(null);
		try {
			onSignedIn(await run());
		} catch (e) {
			setError(failureText(t, e));
		} finally {
			setBusy(false);
		}
	};

	return (
		<main className="auth-page">
			<div className="auth-card">
				<div className="auth-brand" aria-hidden="true">
					💬
				</div>
				{mode === 'signup' ? <SignUpForm busy={busy} onSubmit={(body) => submit(() => register(body))} /> : <SignInForm busy={busy} onSubmit={(email, password) => submit(() => signIn(email, password))} />}
				{error && (
					<p role="alert" className="form-error">
						{error}
					</p>
				)}
				{signup?.open && (
					<button type="button" className="link-button" onClick={() => setMode(mode === 'signin' ? 'signup' : 'signin')}>
						{mode === 'signin' ? t('auth.goSignup') : t('auth.goSignin')}
					</button>
				)}
				<LanguageSwitch />
			</div>
		</main>
	);
}

function SignInForm({ busy, onSubmit }: { busy: boolean; onSubmit: (email: string, password: string) => (event: FormEvent) => void }) {
	const { t } = useTranslation();
	const [email, setEmail] = useState('');
	const [password, setPassword] = useState('');
	return (
		<form onSubmit={onSubmit(email, password)} aria-labelledby="signin-title">
			<h1 id="signin-title">{t('auth.signinTitle')}</h1>
			<label>
				{t('auth.email')}
				<input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
			</label>
			<label>
				{t('auth.password')}
				<input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
			</label>
			<button type="submit" className="primary" disabled={busy}>
				{t('auth.signin')}
			</button>
		</form>
	);
}

function SignUpForm({ busy, onSubmit }: { busy: boolean; onSubmit: (body: { workspaceName: string; name: string; email: string; password: string }) => (event: FormEvent) => void }) {
	const { t } = useTranslation();
	const [body, setBody] = useState({ workspaceName: '', name: '', email: '', password: '' });
	const field = (key: keyof typeof body) => ({ value: body[key], onChange: (e: { target: { value: string } }) => setBody({ ...body, [key]: e.target.value }) });
	return (
		<form onSubmit={onSubmit(body)} aria-labelledby="signup-title">
			<h1 id="signup-title">{t('auth.signupTitle')}</h1>
			<p className="hint">{t('auth.signupHint')}</p>
			<label>
				{t('auth.workspaceName')}
				<input required maxLength={120} {...field('workspaceName')} />
			</label>
			<label>
				{t('auth.yourName')}
				<input required maxLength={120} autoComplete="name" {...field('name')} />
			</label>
			<label>
				{t('auth.email')}
				<input type="email" required autoComplete="username" {...field('email')} />
			</label>
			<label>
				{t('auth.password')}
				<input type="password" required minLength={10} autoComplete="new-password" {...field('password')} />
			</label>
			<p className="hint">{t('auth.passwordHint')}</p>
			<button type="submit" className="primary" disabled={busy}>
				{t('auth.createWorkspace')}
			</button>
		</form>
	);
}
