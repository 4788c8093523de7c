export { SecretsService } from './service.js';
export { secretsExample } from './example.js';
