/** Which service a path names, and whether it supports the method. */
import { ApiError } from './api-error.js';
import { changeLogDetailService, changeLogService } from './change-log-service.js';
import { lineItemService } from './line-item-service.js';
import { pixelService } from './pixel-service.js';
import { profileService } from './profile-service.js';
import { advertiserService, memberService } from './read-services.js';
import { segmentService } from './segment-service.js';
import type { Handler, Method, Service } from './service-handler.js';

const SERVICES = new Map<string, Service>(
  [segmentService, pixelService, lineItemService, profileService, changeLogService, changeLogDetailService, advertiserService, memberService].map((s) => [`/${s.name}`, s]),
);

/** "/segment/" and "/segment" are the same service. */
export function normalizePath(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

export function findService(path: string): Service {
  const service = SERVICES.get(path);
  if (!service) throw ApiError.notFound('service', `service not found: ${path} (the sandbox serves /auth, ${[...SERVICES.keys()].join(', ')})`);
  return service;
}

export function handlerFor(service: Service, method: string): Handler {
  const handler = (['GET', 'POST', 'PUT', 'DELETE'] as const).includes(method as Method) ? service[method as Method] : undefined;
  if (!handler) throw ApiError.syntax(`method ${method} is not supported by the ${service.name} service`);
  return handler;
}
