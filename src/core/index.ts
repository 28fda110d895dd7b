export * from './errors';
export * from './cost/monthly-cost-report';
export { CostLineItem, StackCostEstimate } from './cost/estimate';
