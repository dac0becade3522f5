 
import { describeN8nEndToEnd } from './support/suite';

// n8n 2.41.1 on Node 24 (from the npm `node` package), installed once into ~/.cache/n8n-e2e (or $N8N_E2E_CACHE).
describeN8nEndToEnd('n8n2');
