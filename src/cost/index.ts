export * from './monthly-cost-report';
export { CostLineItem, StackCostEstimate } from './estimate';
