import i18n from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import en from '../locales/en.json';
import ptBR from '../locales/pt-BR.json';

export const LANGUAGES = ['pt-BR', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'inbox.language';

/** Any Portuguese is served pt-BR and any English en; other languages get the default, pt-BR. */
function supported(detected: string): Language {
	const lower = detected.toLowerCase();
	if (lower.startsWith('en')) return 'en';
	return 'pt-BR';
}

void i18n
	.use(LanguageDetector)
	.use(initReactI18next)
	.init({
		resources: { 'pt-BR': { translation: ptBR }, en: { translation: en } },
		fallbackLng: 'pt-BR',
		supportedLngs: [...LANGUAGES],
		// The attendant's choice first, then the browser's languages.
		detection: {
			order: ['localStorage', 'navigator'],
			lookupLocalStorage: STORAGE_KEY,
			caches: ['localStorage'],
			convertDetectedLanguage: supported,
		},
		// React escapes what it renders: i18next must not escape it a second time (names would show &amp;).
		interpolation: { escapeValue: false },
		returnNull: false,
	});

i18n.on('languageChanged', (language) => {
	document.documentElement.lang = language;
});
document.documentElement.lang = i18n.resolvedLanguage ?? 'pt-BR';

export function currentLanguage(): Language {
	return supported(i18n.resolvedLanguage ?? 'pt-BR');
}

export default i18n;
