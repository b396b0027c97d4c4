export { SimulatedDataWarehouse, type DwCall, type DwFault, type DwSeed, type SimMergeRequest, type SimulatedDataWarehouseOptions } from './server.ts';
export { checkoutTree, dataWarehouseMessage, routingKeyFor, type BuildSpec, type CheckoutSpec, type CheckoutTree, type TestSpec } from './data.ts';
