export * from './simulator.ts';
export * from './sim-kit.ts';
