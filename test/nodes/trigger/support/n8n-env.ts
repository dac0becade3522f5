import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// n8n-core's InstanceSettings writes `<N8N_USER_FOLDER>/.n8n/config` (an encryption key) on first use;
// keep that out of the user's home. Imported before n8n-core.
if (!process.env.N8N_USER_FOLDER) {
	process.env.N8N_USER_FOLDER = join(tmpdir(), 'evolution-trigger-tests-n8n');
	mkdirSync(process.env.N8N_USER_FOLDER, { recursive: true });
}
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS = 'false';
