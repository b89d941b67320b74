import { defineErrors } from '@app/errors';

/** Error codes of the parties module (organisations, licences, fleet, users and tokens). */
export const PartiesErrors = defineErrors({
  ORGANISATION_EXISTS: {
    status: 409,
    en: 'An organisation with this USCC already exists.',
    zh: '该统一社会信用代码的单位已存在。',
  },
  ORGANISATION_ROLE_REQUIRED: {
    status: 409,
    en: 'The organisation does not have the role this needs ({roles}).',
    zh: '该单位不具备所需角色（{roles}）。',
  },
  FACILITY_EXISTS: {
    status: 409,
    en: 'The organisation already has a facility with this code.',
    zh: '该单位已有相同编号的贮存设施。',
  },
  VEHICLE_EXISTS: {
    status: 409,
    en: 'A vehicle with this plate is already registered.',
    zh: '该车牌号的车辆已登记。',
  },
  LICENCE_ALREADY_SUPERSEDED: {
    status: 409,
    en: 'This licence has already been superseded; supersede the current one instead.',
    zh: '该许可证已被替代，请替代现行的许可证。',
  },
});
