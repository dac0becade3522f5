 
import { describeN8nEndToEnd } from './support/suite';

// n8n 1.123.50 on the machine's Node 20, installed once into ~/.cache/n8n-e2e (or $N8N_E2E_CACHE).
describeN8nEndToEnd('n8n1');
