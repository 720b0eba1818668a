/** `/advertiser` and `/member`: read only here (xandr-sync never writes them). */
import { ApiError } from './api-error.js';
import { listObjects } from './list-objects.js';
import { listResponse, readIdList, readPaging } from './listing.js';
import type { Service } from './service-handler.js';

export const advertiserService: Service = {
  name: 'advertiser',
  GET(request) {
    return listObjects(request, {
      service: 'advertiser',
      key: 'advertisers',
      collection: request.store.advertisers,
      render: (a) => ({ ...a }),
      searched: (a) => [a.name, a.code],
      codeIgnoresCase: true,
      state: true,
      scoped: false,
    });
  },
};

export const memberService: Service = {
  name: 'member',
  GET(request) {
    const { query, store, user } = request;
    const ids = readIdList(query);
    if (ids && !ids.includes(user.memberId) && ids.length === 1) throw ApiError.notFound('member');
    const member = store.members.get(user.memberId);
    return listResponse({
      key: 'members',
      rows: member ? [member] : [],
      keep: (m) => !ids || ids.includes(m.id),
      render: (m) => ({ ...m }),
      paging: readPaging(query),
    });
  },
};
