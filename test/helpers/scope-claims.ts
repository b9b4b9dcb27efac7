// The claims each scope of OpenID Connect Core §5.4 requests, written from the specification (not
// from the simulator's own list, which the tests hold to it).
// https://openid.net/specs/openid-connect-core-1_0.html#ScopeClaims

export const PROFILE_CLAIMS = [
  'name',
  'family_name',
  'given_name',
  'middle_name',
  'nickname',
  'preferred_username',
  'profile',
  'picture',
  'website',
  'gender',
  'birthdate',
  'zoneinfo',
  'locale',
  'updated_at',
] as const
export const EMAIL_CLAIMS = ['email', 'email_verified'] as const
export const ADDRESS_CLAIMS = ['address'] as const
export const PHONE_CLAIMS = ['phone_number', 'phone_number_verified'] as const
