/** `/advertiser` and `/member`: read only here (xandr-sync never writes them). */
import { ApiError } from './api-error.js';
import { candidates, listingMemo, listResponse, matchesSearch, matchesState, readIdList, readPaging, requireFoundIfSingle } from './listing.js';
import type { Service } from './service-handler.js';

export const advertiserService: Service = {
  name: 'advertiser',
  GET(request) {
    const { query, store, user } = request;
    const code = query.code?.toLowerCase();
    const response = listResponse({
      key: 'advertisers',
      rows: candidates(readIdList(query), (id) => store.advertisers.get(id), () => store.advertisers.values()),
      keep: (a) =>
        a.member_id === user.memberId &&
        (code === undefined || (typeof a.code === 'string' && a.code.toLowerCase() === code)) &&
        matchesSearch(query.search, a.id, a.name, a.code) &&
        matchesState(query.state, a.state),
      render: (a) => ({ ...a }),
      paging: readPaging(query),
      memo: listingMemo(request, 'advertiser'),
    });
    return requireFoundIfSingle(query, response, 'advertiser');
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
