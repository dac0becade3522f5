import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * emoji-mart's picker (a web component), loaded the first time it opens: its data ships in the bundle (no CDN,
 * nothing fetched from elsewhere), native emoji, labels in the page's language.
 */
export function EmojiPicker({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
	const { t, i18n } = useTranslation();
	const host = useRef<HTMLDivElement>(null);
	const handlers = useRef({ onPick, onClose });
	handlers.current = { onPick, onClose };
	const english = i18n.language === 'en';

	useEffect(() => {
		let cancelled = false;
		const element = host.current;
		void Promise.all([import('emoji-mart'), import('@emoji-mart/data'), english ? import('@emoji-mart/data/i18n/en.json') : import('@emoji-mart/data/i18n/pt.json')]).then(
			([{ Picker }, data, labels]) => {
				if (cancelled || !element) return;
				const picker = new Picker({
					data: data.default,
					i18n: labels.default,
					set: 'native',
					theme: 'light',
					previewPosition: 'none',
					skinTonePosition: 'search',
					autoFocus: true,
					onEmojiSelect: (emoji: { native: string }) => handlers.current.onPick(emoji.native),
					onClickOutside: (event: MouseEvent) => {
						// The toggle button is outside the picker too: it closes it by itself.
						if (!(event.target as Element | null)?.closest?.('.emoji-toggle')) handlers.current.onClose();
					},
				});
				element.replaceChildren(picker as unknown as Node);
			},
		);
		return () => {
			cancelled = true;
			element?.replaceChildren();
		};
	}, [english]);

	return (
		<div
			className="emoji-popover"
			ref={host}
			role="dialog"
			aria-label={t('composer.emoji')}
			onKeyDown={(e) => {
				if (e.key === 'Escape') onClose();
			}}
		/>
	);
}
