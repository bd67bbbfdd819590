export * from '../loopback.js';
