import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { PeopleRepository, type Person, TokensRepository } from '@app/persistence';
import { AccessScopeService } from '../common/access-scope.service';
import { APP_CONFIG } from '../common/app-config';
import { DomainErrorCode, DomainException } from '../common/domain.exception';
import type { Principal } from '../common/principal';
import type { SessionPersonDto, TokenDto } from './dto/login.dto';
import { verifyPassword } from './password';
import { hashToken } from './token';

const BAD_CREDENTIALS = 'Unknown email or wrong password';

@Injectable()
export class AuthService {
  private readonly log = new Logger(AuthService.name);

  constructor(
    private readonly people: PeopleRepository,
    private readonly tokens: TokensRepository,
    private readonly scopes: AccessScopeService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(email: string, password: string): Promise<TokenDto> {
    const found = await this.people.findCredentials(email);
    const ok = await verifyPassword(found?.passwordHash ?? null, password);
    if (!found || !ok || !found.person.active) {
      // the email only: never the password
      this.log.warn(`failed login for ${email.toLowerCase()}`);
      throw new DomainException(DomainErrorCode.Unauthenticated, BAD_CREDENTIALS);
    }
    const issued = await this.tokens.issueIfPasswordUnchanged(
      found.person.id,
      found.passwordHash as string,
      this.config.auth.tokenTtlSeconds * 1000,
    );
    // the password was changed (or the account disabled) while it was being checked
    if (!issued) throw new DomainException(DomainErrorCode.Unauthenticated, BAD_CREDENTIALS);
    const { token, expiresAt } = issued;
    return { token, expiresAt: expiresAt.toISOString(), person: sessionPerson(found.person) };
  }

  async logout(token: string): Promise<void> {
    await this.tokens.revoke(token);
  }

  /** The principal behind a token, or an Unauthenticated refusal (unknown, expired, revoked, disabled person). */
  async authenticate(token: string, channel: Principal['channel']): Promise<Principal> {
    const tokenHash = hashToken(token);
    // one statement per request: the token, its person and the plans shared with them (the access scope)
    const session = await this.tokens.resolveSession(tokenHash);
    if (!session) {
      throw new DomainException(DomainErrorCode.Unauthenticated, 'The token is unknown, expired or revoked');
    }
    const { person } = session;
    const principal: Principal = {
      personId: person.id,
      name: person.name,
      email: person.email,
      role: person.role,
      agencyCode: person.agencyCode,
      stateCode: person.stateCode,
      timeZone: session.stateTimeZone,
      language: person.language,
      channel,
      tokenId: tokenHash.slice(0, 12),
    };
    this.scopes.remember(principal, session.sharedPlanCodes);
    return principal;
  }
}

export function sessionPerson(p: Person): SessionPersonDto {
  return {
    id: p.id,
    name: p.name,
    email: p.email,
    role: p.role,
    agencyCode: p.agencyCode,
    stateCode: p.stateCode,
    language: p.language,
  };
}
