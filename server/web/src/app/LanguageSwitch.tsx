import { useTranslation } from 'react-i18next';
import { currentLanguage, LANGUAGES } from '../lib/i18n';

const NAMES: Record<(typeof LANGUAGES)[number], string> = { 'pt-BR': 'Português (Brasil)', en: 'English' };

/** The attendant's language, remembered in this browser (the browser's own language is the default). */
export function LanguageSwitch() {
	const { t, i18n } = useTranslation();
	return (
		<label className="language-switch">
			<span>{t('app.language')}</span>
			<select value={currentLanguage()} onChange={(e) => void i18n.changeLanguage(e.target.value)}>
				{LANGUAGES.map((language) => (
					<option key={language} value={language}>
						{NAMES[language]}
					</option>
				))}
			</select>
		</label>
	);
}
