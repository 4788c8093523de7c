/**
 * minicloud's plugin contracts. Service packages build on these; the minicloud application loads them with plux
 * without importing the packages that provide them.
 *
 * @packageDocumentation
 */
export {
  SERVICES_ENV,
  PORT_ENV,
  DEFAULT_PORT,
  type MinicloudConfig,
  readConfig,
  isServiceEnabled,
  describeServiceSelection,
} from './config.js';
export { type ServiceRequest, type ServiceResponse, type RouteHandler, HttpError } from './http.js';
export {
  type Router,
  type RouteInfo,
  type IncomingServiceRequest,
  type RoutedResponse,
  type ServiceRouter,
  createRouter,
} from './router.js';
export { SERVICES_NAMESPACE, type ServiceContext, type ServiceInfo, ServicePlugin } from './service.js';
export {
  EXAMPLES_NAMESPACE,
  type ExampleClient,
  type ExampleResponse,
  type Example,
  check,
} from './example.js';
