// The tests are linted like the server (the same strict TypeScript, import and style rules, and the same allowances
// for test code), not by the n8n package's community-node rules at the root; see server/eslint.config.mjs.
import serverConfig, { testRules } from '../server/eslint.config.mjs';

export default [...serverConfig, { files: ['**/*.ts'], rules: testRules }];
