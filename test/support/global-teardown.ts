import { privateServices } from './private-services';

export default async function globalTeardown(): Promise<void> {
	await Promise.all([privateServices.postgres?.stop(), privateServices.redis?.stop()]);
}
