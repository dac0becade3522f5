/** Operations are described the same way in both nodes (the shared router runs them). */
export type { OperationModule, ResourceOperations } from '../../shared/router';
