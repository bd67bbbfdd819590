export { DEMO_COT, type DemoOptions, type Manifest, PARTIES, runDemo } from './demo.js';
