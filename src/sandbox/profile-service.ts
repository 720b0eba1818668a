/**
 * `/profile` (profile-service.md): the targeting a line item points at with `profile_id`. xandr-sync owns only
 * its segment targeting (profile-targets.ts); the sandbox keeps the other documented fields too, stored and
 * echoed as given. Profiles belong to an advertiser. An archived profile (`is_archived`, set only out of band)
 * accepts only GET and DELETE, and deleting a profile a line item uses is refused.
 */
import { ApiError } from './api-error.js';
import { listObjects } from './list-objects.js';
import { formatTimestamp, has, readBoolean, readId, readString, rejectUnknownFields } from './fields.js';
import { applySegmentTargeting, checkSegmentTargeting, renderSegmentTargeting } from './profile-targets.js';
import { newProfile } from './records.js';
import { advertiserForCreate, checkMemberQuery, findAdvertiserTarget } from './scope.js';
import { bodyObject, created, deleted, deletedResponse, updated, writtenResponse, type Service, type ServiceRequest } from './service-handler.js';
import type { Store } from './store.js';
import type { JsonObject, ProfileRecord } from './types.js';

const VALIDATED = ['code', 'description', 'is_template', 'advertiser_id', 'segment_boolean_operator', 'segment_targets', 'segment_group_targets'];
/** Documented writable targeting fields the sandbox stores and echoes without checking them. */
const OPAQUE = [
  'max_lifetime_imps', 'min_session_imps', 'max_session_imps', 'max_day_imps', 'max_hour_imps', 'max_week_imps',
  'max_month_imps', 'min_minutes_per_imp', 'max_page_imps', 'require_cookie_for_freq_cap', 'graph_id', 'daypart_timezone',
  'daypart_targets', 'age_targets', 'gender_targets', 'country_targets', 'country_action', 'region_targets', 'region_action',
  'require_transparency_and_consent_framework_string', 'dma_targets', 'dma_action', 'city_targets', 'city_action',
  'domain_targets', 'domain_action', 'domain_list_targets', 'domain_list_action', 'platform_placement_targets',
  'size_targets', 'seller_member_group_targets', 'member_targets', 'member_default_action', 'video_targets',
  'engagement_rate_targets', 'publisher_targets', 'site_targets', 'placement_targets', 'inventory_action',
  'content_category_targets', 'deal_targets', 'deal_list_targets', 'platform_publisher_targets',
  'platform_content_category_targets', 'use_inventory_attribute_targets', 'trust', 'allow_unaudited', 'session_freq_type',
  'inventory_attribute_targets', 'intended_audience_targets', 'language_targets', 'language_action', 'querystring_targets',
  'querystring_action', 'querystring_boolean_operator', 'postal_code_targets', 'postal_code_list_targets',
  'postal_code_action_include', 'zip_targets', 'supply_type_targets', 'supply_type_action', 'user_group_targets',
  'position_targets', 'browser_targets', 'browser_action', 'location_target_latitude', 'location_target_longitude',
  'location_target_radius', 'device_model_targets', 'device_model_action', 'device_type_targets', 'device_type_action',
  'carrier_targets', 'carrier_action', 'inventory_url_list_targets', 'operating_system_family_targets',
  'operating_system_family_action', 'operating_system_extended_targets', 'operating_system_action',
  'operating_system_targets', 'mobile_app_instance_targets', 'mobile_app_instance_action_include',
  'mobile_app_instance_list_targets', 'mobile_app_instance_list_action_include', 'deal_action_include',
  'ip_range_list_targets', 'key_value_targets', 'ad_slot_position_action_include', 'ad_slot_position_targets',
  'ad_slot_intro_bumper_action_include', 'ad_slot_outro_bumper_action_include', 'screen_size_action',
  'screen_size_targets', 'optimization_zone_action', 'optimization_zone_targets', 'inventory_network_resold_targets',
  'exelate_targets', 'inventory_url_allowlist_settings', 'ads_txt_authorized_only', 'political_district_targets',
];
const WRITABLE = new Set([...VALIDATED, ...OPAQUE]);
/** Accepted and ignored, so that a body read from a GET can be sent back. */
const READ_ONLY = new Set([
  'id', 'member_id', 'publisher_id', 'last_modified', 'created_on', 'is_archived', 'archived_on', 'is_expired',
  'use_operating_system_extended_targeting', 'daypart_bitmap', 'non_audited_url_action', 'venue_action', 'venue_targets',
  'inv_class_targets',
]);

function renderProfile(store: Store, profile: ProfileRecord): JsonObject {
  return Object.assign({}, profile, renderSegmentTargeting(store, profile));
}

function applyFields(request: ServiceRequest, target: ProfileRecord, input: JsonObject, append: boolean): void {
  rejectUnknownFields(input, WRITABLE, READ_ONLY, 'profile');
  if (has(input, 'code')) target.code = readString(input, 'code', { max: 100, nullable: true });
  if (has(input, 'description')) target.description = readString(input, 'description', { nullable: true, empty: true });
  if (has(input, 'is_template')) target.is_template = readBoolean(input, 'is_template');
  applySegmentTargeting(input, target, append);
  for (const key of OPAQUE) if (has(input, key)) target[key] = structuredClone(input[key]);
  checkSegmentTargeting(request.store, target, input);
}

function targetOf(request: ServiceRequest, bodyId?: unknown): ProfileRecord {
  return findAdvertiserTarget<ProfileRecord>(request, {
    service: 'profile',
    collection: request.store.profiles,
    bodyId,
    codeIgnoresCase: true,
    whyScoped: 'profiles belong to an advertiser',
  });
}

/** The line items that point at a profile, ascending. */
function lineItemsWithProfile(store: Store, profileId: number): number[] {
  return store.lineItems.values().filter((li) => Number(li.profile_id) === profileId).map((li) => li.id);
}

export const profileService: Service = {
  name: 'profile',

  GET(request) {
    checkMemberQuery(request);
    const { store } = request;
    return listObjects(request, {
      service: 'profile',
      key: 'profiles',
      collection: store.profiles,
      render: (p) => renderProfile(store, p),
      searched: (p) => [p.code, p.description],
      codeIgnoresCase: true,
      state: false,
      scoped: true,
    });
  },

  POST(request) {
    checkMemberQuery(request);
    const input = bodyObject(request, ['profile']);
    const advertiser = advertiserForCreate(request, input);
    if (!advertiser) throw ApiError.syntax(`'advertiser_id' is required to create a profile (in the query string): profiles belong to an advertiser`);
    const profile = newProfile(0, advertiser.id, advertiser.member_id, request.now);
    applyFields(request, profile, input, false);
    profile.id = request.store.nextId('profile');
    request.store.profiles.set(profile);
    return writtenResponse('profile', profile.id, renderProfile(request.store, profile), 'POST', created('profile', profile, input));
  },

  PUT(request) {
    checkMemberQuery(request);
    const input = bodyObject(request, ['profile']);
    const current = targetOf(request, input.id);
    if (current.is_archived) {
      throw ApiError.syntax(`profile ${current.id} is archived: an archived profile accepts only GET and DELETE (profile-service.md is_archived)`);
    }
    if (has(input, 'advertiser_id') && readId(input.advertiser_id, 'advertiser_id') !== current.advertiser_id) {
      throw ApiError.syntax(`a profile cannot move to another advertiser (profile ${current.id} belongs to advertiser ${current.advertiser_id})`);
    }
    const append = request.query.append === 'true' || request.query.append_only === 'true';
    const next = structuredClone(current);
    applyFields(request, next, input, append);
    next.last_modified = formatTimestamp(request.now);
    request.store.profiles.set(next);
    return writtenResponse('profile', next.id, renderProfile(request.store, next), 'PUT', updated('profile', current, next, input));
  },

  DELETE(request) {
    checkMemberQuery(request);
    const current = targetOf(request);
    const users = lineItemsWithProfile(request.store, current.id);
    if (users.length) {
      throw ApiError.integrity(
        `profile ${current.id} is used by line item${users.length > 1 ? 's' : ''} ${users.join(', ')}; set their profile_id to another profile or null before deleting it`,
      );
    }
    request.store.profiles.delete(current.id);
    return deletedResponse(deleted('profile', current));
  },
};
