/** Routes a resource request to the handler for its verb. */
import type { NextFunction, Request, Response } from 'express';
import { methodNotRouted, pathNotFound } from '../../apimachinery/errors.js';
import type { Verb } from '../../registry/types.js';
import { isDryRun, validateWriteOptions } from '../query.js';
import { requestState, resolveResource, type HandlerDeps, type ResourceRequest } from './context.js';
import { handleDelete, handleDeleteCollection } from './delete.js';
import { handleGet, handleList } from './read.js';
import { handleWatch } from './watch.js';
import { handleCreate, handlePatch, handleSubresourceCreate, handleUpdate } from './write.js';

type Handler = (r: ResourceRequest) => Promise<void>;

const HANDLERS: Record<Verb, Handler> = {
  get: handleGet,
  list: handleList,
  watch: handleWatch,
  create: handleCreate,
  update: handleUpdate,
  patch: handlePatch,
  delete: handleDelete,
  deletecollection: handleDeleteCollection,
};

const OPTIONS_KIND: Partial<Record<Verb, string>> = { create: 'CreateOptions', update: 'UpdateOptions', patch: 'PatchOptions' };

function isVerb(v: string): v is Verb {
  return Object.hasOwn(HANDLERS, v);
}

/** The express handler for everything under `/apis/<group>/<version>/...`. */
export function resourceHandler(deps: HandlerDeps) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const { info, user } = requestState(res);
      const { served, sub } = resolveResource(deps, info);
      // kube-apiserver routes watches of resources only: under `/watch/` a subresource is no path.
      if (info.verb === 'watch' && sub !== undefined) throw pathNotFound();
      const verbs = sub?.verbs ?? served.descriptor.verbs;
      if (!isVerb(info.verb) || !verbs.includes(info.verb)) throw methodNotRouted();
      // Watches are served to GET only (a PATCH or POST under `/watch/` is no watch and no write).
      if (info.verb === 'watch' && req.method !== 'GET' && req.method !== 'HEAD') throw methodNotRouted();
      const query = req.query as Record<string, unknown>;
      const optionsKind = OPTIONS_KIND[info.verb];
      // A patch's options are checked after its Content-Type (415 first), as upstream does.
      if (optionsKind !== undefined && info.verb !== 'patch') validateWriteOptions(query, optionsKind);
      const r: ResourceRequest = {
        req,
        res,
        info,
        user,
        served,
        subresource: sub,
        query,
        deps,
        ctx: {
          user,
          namespace: info.namespace,
          dryRun: optionsKind !== undefined && isDryRun(query),
          warnings: [],
          ...(deps.settings !== undefined && { settings: deps.settings }),
        },
      };
      const creator = sub && info.verb === 'create' ? deps.subresourceCreators?.get(`${info.apiGroup}/${info.resource}/${sub.name}`) : undefined;
      if (sub !== undefined && info.verb === 'create') {
        if (creator === undefined) throw methodNotRouted();
        await handleSubresourceCreate(r, creator);
        return;
      }
      await HANDLERS[info.verb](r);
    } catch (e: unknown) {
      next(e);
    }
  };
}
