export * from './simulator.ts';
