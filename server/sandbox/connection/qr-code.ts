/** The QR image exactly as Evolution renders it (qrcode lib, margin 3, scale 4, EC level H, QRCODE_COLOR). */
import QRCode from 'qrcode';

/** Evolution's default QRCODE_COLOR. */
const QRCODE_COLOR = '#175197';

export function qrDataUrl(code: string): Promise<string> {
	return QRCode.toDataURL(code, {
		margin: 3,
		scale: 4,
		errorCorrectionLevel: 'H',
		color: { light: '#ffffff', dark: QRCODE_COLOR },
	});
}
