/** "4 services", "1 service": the accessible count of a drill-down link. */
export function servicesCount(count: number): string {
  return `${count} ${count === 1 ? 'service' : 'services'}`;
}
