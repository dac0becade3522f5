import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { decodeDataUrl } from './binary';

/**
 * An item for Evolution's `{pairingCode, code, base64, count}`: the fields as JSON and, when the
 * server sent one, the QR image as a PNG binary a person can open or forward.
 */
export async function qrCodeItem(
	this: IExecuteFunctions,
	instanceName: string,
	qr: IDataObject,
	binaryPropertyName: string,
): Promise<INodeExecutionData> {
	const json: IDataObject = {
		instanceName,
		pairingCode: qr.pairingCode ?? null,
		code: qr.code ?? null,
		base64: qr.base64 ?? null,
		count: qr.count ?? 0,
	};
	const image = typeof qr.base64 === 'string' ? decodeDataUrl(qr.base64) : undefined;
	if (!image) return { json };

	const binary: IBinaryKeyData = {
		[binaryPropertyName]: await this.helpers.prepareBinaryData(
			image.buffer,
			`${instanceName}-qrcode.png`,
			image.mimeType,
		),
	};
	return { json, binary };
}
