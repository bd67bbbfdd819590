export { ReltoClient, type ReltoClientOptions } from './client.js';
