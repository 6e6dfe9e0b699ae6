import { seededRandom } from '../helpers/seededRandom';
import { strict as assert } from 'node:assert';
import { defaultKnowledge } from '../../src/knowledge';
import { REDACTED, SecretKind, redactSecrets, redactSecretsWithoutShortcut } from '../../src/knowledge/redactSecrets';
import { fillTemplate, fixturePath, readJsonl } from '../helpers/fixtures';

/** A JWT shaped like the ones Entra ID issues; the signature is filler. */
function jwt(claims: Record<string, unknown>): string {
  const part = (json: unknown): string => Buffer.from(JSON.stringify(json)).toString('base64url');
  return `${part({ typ: 'JWT', alg: 'RS256', kid: 'nOo3ZDrODXEK1jKWhXslHR_KXEg' })}.${part(claims)}.${'Qk5SZXBsYWNlZFNpZ25hdHVyZQ'.repeat(13)}`;
}

const graphToken = jwt({ aud: 'https://graph.microsoft.com', upn: 'admin@contoso.onmicrosoft.com', scp: 'User.Read.All' });
const teamsToken = jwt({ aud: '48ac35b8-9aa8-4d74-927d-1f4a14a0b239', upn: 'admin@contoso.onmicrosoft.com' });
// Built from pieces so that secret scanners do not flag the test itself.
const entraSecret = ['Xy7', '8Q~', 'aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567'].join('');
const storageKey = `${'Zm9vYmFyYmF6cXV4'.repeat(5)}QmFzZTY0S2V5+/==`;
const keyBody = ['MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun', 'VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK'];
const basicUserPassword = Buffer.from('admin:Winter2024!').toString('base64');
const basicAppSecret = Buffer.from(`6f1c8a3e-1d2b-4c5d-9e8f-0a1b2c3d4e5f:${entraSecret}`).toString('base64');
const privateKeyBlock = ['-----BEGIN ' + 'RSA PRIVATE KEY-----', ...keyBody, '-----END ' + 'RSA PRIVATE KEY-----'].join('\n');

interface SecretPaste {
  name: string;
  paste: string;
  /** Every one of these must be gone from the redacted text. */
  secrets: string[];
  kinds: SecretKind[];
  /** What must survive so the error still reads: user names, servers, the redacted shape. */
  keeps?: string[];
}

const secretPastes: SecretPaste[] = [
  {
    name: 'ConvertTo-SecureString with a double-quoted password, then the logon failure',
    paste: [
      'PS C:\\> $secpasswd = ConvertTo-SecureString "P@ssw0rd!" -AsPlainText -Force',
      'PS C:\\> $cred = New-Object System.Management.Automation.PSCredential ("admin@contoso.onmicrosoft.com", $secpasswd)',
      'PS C:\\> $session = New-CsOnlineSession -Credential $cred',
      "New-CsOnlineSession : Logon failed for the user 'admin@contoso.onmicrosoft.com'. Please create a new PSCredential object, making sure that you have used the correct user name and password.",
    ].join('\n'),
    secrets: ['P@ssw0rd!'],
    kinds: ['password'],
    keeps: ['ConvertTo-SecureString "[REDACTED]" -AsPlainText -Force', '-Credential $cred', "Logon failed for the user 'admin@contoso.onmicrosoft.com'"],
  },
  {
    name: 'ConvertTo-SecureString with a single-quoted password',
    paste: "$pw = ConvertTo-SecureString 'Summer2024!' -AsPlainText -Force",
    secrets: ['Summer2024!'],
    kinds: ['password'],
    keeps: ["ConvertTo-SecureString '[REDACTED]' -AsPlainText"],
  },
  {
    name: 'ConvertTo-SecureString -String',
    paste: "$secure = ConvertTo-SecureString -String 'Tr0ub4dor&3' -AsPlainText -Force",
    secrets: ['Tr0ub4dor&3'],
    kinds: ['password'],
    keeps: ["-String '[REDACTED]' -AsPlainText"],
  },
  {
    name: 'ConvertTo-SecureString with the switches first',
    paste: 'ConvertTo-SecureString -AsPlainText -Force -String "Corr3ct-Horse"',
    secrets: ['Corr3ct-Horse'],
    kinds: ['password'],
  },
  {
    name: 'a password piped into ConvertTo-SecureString, in Word quotes',
    paste: '$secure = \u201CBl@ckCoffee7\u201D | ConvertTo-SecureString -AsPlainText -Force',
    secrets: ['Bl@ckCoffee7'],
    kinds: ['password'],
    keeps: ['\u201C[REDACTED]\u201D | ConvertTo-SecureString'],
  },
  {
    name: 'New-Object PSCredential with an inline ConvertTo-SecureString',
    paste: '$cred = New-Object System.Management.Automation.PSCredential("svc-sfb@fabrikam.com", (ConvertTo-SecureString "Xq9!rT2#" -AsPlainText -Force))',
    secrets: ['Xq9!rT2#'],
    kinds: ['password'],
    keeps: ['PSCredential("svc-sfb@fabrikam.com", (ConvertTo-SecureString "[REDACTED]"'],
  },
  {
    name: '[pscredential]::new with a plain string password',
    paste: "$cred = [pscredential]::new('CONTOSO\\svc-lync', 'Lync2013!')",
    secrets: ['Lync2013!'],
    kinds: ['password'],
    keeps: ["[pscredential]::new('CONTOSO\\svc-lync', '[REDACTED]')"],
  },
  {
    name: 'a bare -Password echoed back in a SecureString binding error',
    paste: [
      'New-LocalUser : Cannot bind parameter \'Password\'. Cannot convert the "Spring#2024" value of type "System.String" to type "System.Security.SecureString".',
      'At line:1 char:40',
      '+ New-LocalUser -Name svc-sfb -Password Spring#2024',
    ].join('\n'),
    secrets: ['Spring#2024'],
    kinds: ['password'],
    keeps: ['-Name svc-sfb -Password [REDACTED]', 'Cannot convert the "[REDACTED]" value of type "System.String"'],
  },
  {
    name: '-NewPassword in double quotes beside a -ForceChangePassword variable',
    paste: 'Set-MsolUserPassword -UserPrincipalName kenmyer@litwareinc.com -NewPassword "Welcome1!" -ForceChangePassword $false',
    secrets: ['Welcome1!'],
    kinds: ['password'],
    keeps: ['kenmyer@litwareinc.com', '-NewPassword "[REDACTED]" -ForceChangePassword $false'],
  },
  {
    name: '-Password with a colon',
    paste: "New-ADUser -Name sfbtest -AccountPassword:'Aut0mn!Leaves' -Enabled $true",
    secrets: ['Aut0mn!Leaves'],
    kinds: ['password'],
    keeps: ["-AccountPassword:'[REDACTED]' -Enabled $true"],
  },
  {
    name: 'a password typed where -Credential wants a credential',
    paste: "Connect-MsolService -Credential 'Hunter2!!'",
    secrets: ['Hunter2!!'],
    kinds: ['password'],
  },
  {
    name: '-ClientSecret for an app-only connection',
    paste: 'Connect-PnPOnline -Url https://contoso.sharepoint.com -ClientId 6f1c8a3e-1d2b-4c5d-9e8f-0a1b2c3d4e5f -ClientSecret "kL9vT2pQw8Zx"',
    secrets: ['kL9vT2pQw8Zx'],
    kinds: ['clientSecret'],
    keeps: ['https://contoso.sharepoint.com', '6f1c8a3e-1d2b-4c5d-9e8f-0a1b2c3d4e5f', '-ClientSecret "[REDACTED]"'],
  },
  {
    name: '-ApplicationSecret, bare',
    paste: 'New-PartnerAccessToken -ApplicationId 9d3f2a1b-0000-4c5d-9e8f-112233445566 -ApplicationSecret Ptnr5ecret99 -Scopes https://api.partnercenter.microsoft.com/user_impersonation',
    secrets: ['Ptnr5ecret99'],
    kinds: ['clientSecret'],
    keeps: ['-ApplicationSecret [REDACTED] -Scopes'],
  },
  {
    name: '-CertificatePassword beside a certificate path',
    paste: "Connect-ExchangeOnline -CertificateFilePath C:\\certs\\exo-app.pfx -CertificatePassword 'PfxP@ss1' -AppId 0a1b2c3d-4e5f-6789-abcd-ef0123456789 -Organization contoso.onmicrosoft.com",
    secrets: ['PfxP@ss1'],
    kinds: ['password'],
    keeps: ['C:\\certs\\exo-app.pfx', 'contoso.onmicrosoft.com'],
  },
  {
    name: '-AccessToken with a JWT',
    paste: `Connect-MgGraph -AccessToken ${graphToken}\nConnect-MgGraph : InvalidAuthenticationToken: Access token has expired or is not yet valid.`,
    secrets: [graphToken],
    kinds: ['accessToken'],
    keeps: ['Connect-MgGraph -AccessToken [REDACTED]', 'Access token has expired'],
  },
  {
    name: 'Connect-MicrosoftTeams -AccessTokens with two JWTs',
    paste: `Connect-MicrosoftTeams -AccessTokens @("${graphToken}", "${teamsToken}")`,
    secrets: [graphToken, teamsToken],
    kinds: ['accessToken'],
    keeps: ['-AccessTokens @("[REDACTED]", "[REDACTED]")'],
  },
  {
    name: '$password assignment',
    paste: "$password = 'Zebra!Crossing42'\n$cred = New-Object System.Management.Automation.PSCredential($user, (ConvertTo-SecureString $password -AsPlainText -Force))",
    secrets: ['Zebra!Crossing42'],
    kinds: ['password'],
    keeps: ["$password = '[REDACTED]'", 'ConvertTo-SecureString $password -AsPlainText'],
  },
  {
    name: '$pwd assignment in double quotes',
    paste: '$pwd = "Gr33nT3a#"',
    secrets: ['Gr33nT3a#'],
    kinds: ['password'],
  },
  {
    name: '$pass assignment without spaces',
    paste: "$user='admin@contoso.com';$pass='Ocean^Breeze1'",
    secrets: ['Ocean^Breeze1'],
    kinds: ['password'],
    keeps: ["$user='admin@contoso.com';$pass='[REDACTED]'"],
  },
  {
    name: '$secret assignment',
    paste: '$secret = "v3ryS3cr3tAppValue"',
    secrets: ['v3ryS3cr3tAppValue'],
    kinds: ['clientSecret'],
  },
  {
    name: '$clientSecret and $AppSecret assignments',
    paste: "$clientId = '11111111-2222-3333-4444-555555555555'\n$clientSecret = 'cs-Alpha-123'\n$AppSecret = \"cs-Bravo-456\"",
    secrets: ['cs-Alpha-123', 'cs-Bravo-456'],
    kinds: ['clientSecret'],
    keeps: ['11111111-2222-3333-4444-555555555555'],
  },
  {
    name: '$token assignment',
    paste: "$token = 'opaque-refresh-0a9b8c7d6e5f'",
    secrets: ['opaque-refresh-0a9b8c7d6e5f'],
    kinds: ['accessToken'],
  },
  {
    name: 'an Authorization: Bearer header in verbose output',
    paste: `VERBOSE: GET https://graph.microsoft.com/v1.0/me with 0-byte payload\nAuthorization: Bearer ${graphToken}\nInvoke-RestMethod : The remote server returned an error: (401) Unauthorized.`,
    secrets: [graphToken],
    kinds: ['accessToken'],
    keeps: ['Authorization: Bearer [REDACTED]', 'https://graph.microsoft.com/v1.0/me', '(401) Unauthorized'],
  },
  {
    name: 'a bare JWT inside an error message',
    paste: `Get-CsOnlineUser : The token ${teamsToken} is not valid for audience 'https://api.interfaces.records.teams.microsoft.com'.`,
    secrets: [teamsToken],
    kinds: ['accessToken'],
    keeps: ['The token [REDACTED] is not valid'],
  },
  {
    name: 'a storage account connection string',
    paste: `$cs = "DefaultEndpointsProtocol=https;AccountName=contosologs;AccountKey=${storageKey};EndpointSuffix=core.windows.net"`,
    secrets: [storageKey],
    kinds: ['storageAccountKey'],
    keeps: ['AccountName=contosologs;AccountKey=[REDACTED];EndpointSuffix=core.windows.net'],
  },
  {
    name: 'a Service Bus connection string',
    paste: 'Endpoint=sb://contoso-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=q1W2e3R4t5Y6u7I8o9P0aSdFgHjKlZxCvBnM+/0=',
    secrets: ['q1W2e3R4t5Y6u7I8o9P0aSdFgHjKlZxCvBnM+/0='],
    kinds: ['sharedAccessKey'],
    keeps: ['SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=[REDACTED]'],
  },
  {
    name: 'a SQL connection string with Password=',
    paste: 'Exception calling "Open" with "0" argument(s): "Login failed for user \'sa\'." Server=tcp:sql01.contoso.com,1433;Database=LyncCdr;User ID=sa;Password=Sql$erver2019;Encrypt=True',
    secrets: ['Sql$erver2019'],
    kinds: ['password'],
    keeps: ['sql01.contoso.com', 'User ID=sa;Password=[REDACTED];Encrypt=True'],
  },
  {
    name: 'an ODBC connection string with Pwd={...}',
    paste: 'Driver={ODBC Driver 17 for SQL Server};Server=sql01;Uid=rtc;Pwd={semi;colon!};',
    secrets: ['semi;colon!'],
    kinds: ['password'],
    keeps: ['Uid=rtc;Pwd={[REDACTED]};'],
  },
  {
    name: 'a SAS token in a blob URL',
    paste: 'Invoke-WebRequest : (403) Forbidden: https://contosologs.blob.core.windows.net/transcripts/cdr.csv?sv=2022-11-02&ss=b&srt=o&sp=r&se=2025-01-01T00:00:00Z&sig=Xk%2Bq9v0aBcD3fGhI%3D',
    secrets: ['Xk%2Bq9v0aBcD3fGhI%3D'],
    kinds: ['sasSignature'],
    keeps: ['https://contosologs.blob.core.windows.net/transcripts/cdr.csv?sv=2022-11-02', '&sig=[REDACTED]'],
  },
  {
    name: 'client_secret in a token request body',
    paste: "Invoke-RestMethod -Method Post -Uri https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token -Body \"client_id=6f1c8a3e&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&client_secret=aZ9-body_secret.42&grant_type=client_credentials\"",
    secrets: ['aZ9-body_secret.42'],
    kinds: ['clientSecret'],
    keeps: ['client_secret=[REDACTED]&grant_type=client_credentials'],
  },
  {
    name: 'client_secret in a hashtable body',
    paste: "-Body @{ client_id = '6f1c8a3e'; client_secret = 'hashT4ble~secret'; grant_type = 'client_credentials' }",
    secrets: ['hashT4ble~secret'],
    kinds: ['clientSecret'],
  },
  {
    name: 'clientSecret and password in JSON',
    paste: '{\n  "tenantId": "contoso.onmicrosoft.com",\n  "clientSecret": "json-Secret-77",\n  "username": "svc@contoso.com",\n  "password": "json\\"Pass\\"88"\n}',
    secrets: ['json-Secret-77', 'json\\"Pass\\"88'],
    kinds: ['clientSecret', 'password'],
    keeps: ['"clientSecret": "[REDACTED]"', '"username": "svc@contoso.com"', '"password": "[REDACTED]"'],
  },
  {
    name: 'MicrosoftAppPassword in a .env file',
    paste: 'MicrosoftAppType=MultiTenant\nMicrosoftAppId=7e1b2c3d-4e5f-4a6b-8c9d-0e1f2a3b4c5d\nMicrosoftAppPassword=b0tP4ssw0rd.Value\nMicrosoftAppTenantId=',
    secrets: ['b0tP4ssw0rd.Value'],
    kinds: ['clientSecret'],
    keeps: ['MicrosoftAppId=7e1b2c3d-4e5f-4a6b-8c9d-0e1f2a3b4c5d', 'MicrosoftAppPassword=[REDACTED]\n'],
  },
  {
    name: 'MicrosoftAppPassword in appsettings.json',
    paste: '{ "MicrosoftAppId": "7e1b2c3d-4e5f-4a6b-8c9d-0e1f2a3b4c5d", "MicrosoftAppPassword": "appsettingsSecret1" }',
    secrets: ['appsettingsSecret1'],
    kinds: ['clientSecret'],
  },
  {
    name: 'a bare Entra ID client secret',
    paste: `New client secret created. Value: ${entraSecret} Secret ID: 3f2a1b0c-9d8e-7f6a-5b4c-3d2e1f0a9b8c`,
    secrets: [entraSecret],
    kinds: ['clientSecret'],
    keeps: ['Value: [REDACTED] Secret ID: 3f2a1b0c-9d8e-7f6a-5b4c-3d2e1f0a9b8c'],
  },
  {
    name: 'net use with a password after /user',
    paste: 'net use \\\\fs01.contoso.com\\lyncshare /user:CONTOSO\\rtcadmin Sh@reP4ss\nSystem error 1326 has occurred.',
    secrets: ['Sh@reP4ss'],
    kinds: ['password'],
    keeps: ['\\\\fs01.contoso.com\\lyncshare /user:CONTOSO\\rtcadmin [REDACTED]'],
  },
  {
    name: 'credentials in a URL',
    paste: 'Invoke-WebRequest -Uri https://svc-proxy:Pr0xyP4ss@proxy.contoso.com:8080/pac',
    secrets: ['Pr0xyP4ss'],
    kinds: ['password'],
    keeps: ['https://svc-proxy:[REDACTED]@proxy.contoso.com:8080/pac'],
  },
  {
    name: 'a private key block',
    paste: `Import-PfxCertificate : The PFX file could not be imported.\n${privateKeyBlock}`,
    secrets: keyBody,
    kinds: ['privateKey'],
    keeps: ['PRIVATE KEY-----\n[REDACTED]\n-----END'],
  },
  {
    name: 'NetworkCredential with a domain, by New-Object -ArgumentList and in C#',
    paste:
      "$nc = New-Object System.Net.NetworkCredential -ArgumentList 'svc-sfb', 'Cr3dential!', 'CONTOSO'\nvar nc = new NetworkCredential(userName, \"CSharp#Pw1\", \"CONTOSO\");",
    secrets: ['Cr3dential!', 'CSharp#Pw1'],
    kinds: ['password'],
    keeps: ["-ArgumentList 'svc-sfb', '[REDACTED]', 'CONTOSO'", 'new NetworkCredential(userName, "[REDACTED]", "CONTOSO")'],
  },
  ...(
    [
      ['en, Cannot convert value', 'Set-Thing : Cannot process argument transformation on parameter \'Password\'. Cannot convert value "Plain-Val-1" to type "System.Security.SecureString". Error: "Invalid cast."'],
      [
        'en, a method argument, wrapped by the console mid-word',
        'Exception calling "SetPassword": Cannot convert argument "password", with value: "Dsc-Pass-7", for "SetPassword" to type "System.Security.Sec\nureString": "Cannot convert the "Dsc-Pass-7" value of type "System.String" to type "System.Security.SecureString"."',
      ],
      ['ko, newer wording', 'Connect-Thing : \'Password\' 매개 변수를 바인딩할 수 없습니다. "System.String" 유형의 "Plain-Val-1" 값을 "System.Security.SecureString" 유형으로 변환할 수 없습니다.'],
      ['de, wrapped', 'New-LocalUser : Der Parameter "Password" kann nicht gebunden werden. Der Wert "Plain-Val-1" vom Typ "System.String" kann nicht in den Typ\n"System.Security.SecureString" konvertiert werden.'],
      ['de, without the source type', 'Der Wert "Plain-Val-1" kann nicht in den Typ "System.Security.SecureString" konvertiert werden.'],
      ['fr, with « »', 'New-LocalUser : Impossible de lier le paramètre « Password ». Impossible de convertir la valeur « Plain-Val-1 » du type « System.String » en type « System.Security.SecureString ».'],
      ['ja', 'New-LocalUser : パラメーター \'Password\' をバインドできません。型 "System.String" の "Plain-Val-1" 値を型 "System.Security.SecureString" に変換できません。'],
      ['ja, without the source type', '値 "Plain-Val-1" を型 "System.Security.SecureString" に変換できません。'],
      ['es', 'New-LocalUser : No se puede enlazar el parámetro \'Password\'. No se puede convertir el valor "Plain-Val-1" de tipo "System.String" al tipo "System.Security.SecureString".'],
      ['es, without the source type', 'No se puede convertir el valor "Plain-Val-1" al tipo "System.Security.SecureString".'],
      ['zh', 'New-LocalUser : 无法绑定参数“Password”。无法将“System.String”类型的“Plain-Val-1”值转换为“System.Security.SecureString”类型。'],
      ['zh, without the source type', '无法将值“Plain-Val-1”转换为类型“System.Security.SecureString”。'],
    ] as const
  ).map(
    ([how, paste]): SecretPaste => ({
      name: `the SecureString conversion error, ${how}`,
      paste,
      secrets: ['Plain-Val-1', 'Dsc-Pass-7'],
      kinds: ['password'],
      keeps: ['System.Security.'],
    }),
  ),
  {
    name: 'Basic credentials of an application in a header hashtable and a curl header',
    paste: `Invoke-RestMethod -Uri $tokenUrl -Headers @{ 'Authorization' = "Basic ${basicAppSecret}" }\ncurl -H "Proxy-Authorization: basic ${basicUserPassword}" https://proxy.contoso.com`,
    secrets: [basicAppSecret, basicUserPassword],
    kinds: ['clientSecret', 'password'],
    keeps: ['\'Authorization\' = "Basic [REDACTED]"', 'Proxy-Authorization: basic [REDACTED]'],
  },
  {
    name: 'a connection string password with spaces at the end of a quoted string, and a Korean key',
    paste: '$cs = "Server=sql1;Database=LyncCdr;User ID=sa;Password=correct horse battery"\n$kr = "서버=sql2;사용자=sa;암호=겨울 바다 2024;"',
    secrets: ['horse battery', '바다 2024'],
    kinds: ['password'],
    keeps: ['User ID=sa;Password=[REDACTED]"', '사용자=sa;암호=[REDACTED];'],
  },
  {
    name: 'a form body password with an & that starts no other field',
    paste: 'Invoke-RestMethod -Method Post -Body "username=admin@contoso.com&password=Salt&Pepper9&client_id=6f1c8a3e"',
    secrets: ['Salt&Pepper9', 'Pepper9'],
    kinds: ['password'],
    keeps: ['username=admin@contoso.com&password=[REDACTED]&client_id=6f1c8a3e'],
  },
  {
    name: 'appSettings and a connection string in a web.config',
    paste:
      '<appSettings>\n  <add key="ida:ClientId" value="6f1c8a3e-1d2b-4c5d-9e8f-0a1b2c3d4e5f" />\n  <add key="ida:ClientSecret"\n       value="web-Config-42" />\n</appSettings>\n<add name="Cdr" connectionString="Server=sql01;User ID=sa;Password=Conf!g 99;" />',
    secrets: ['web-Config-42', 'Conf!g 99'],
    kinds: ['clientSecret', 'connectionString'],
    keeps: ['value="6f1c8a3e-1d2b-4c5d-9e8f-0a1b2c3d4e5f"', 'value="[REDACTED]" />', 'connectionString="[REDACTED]"'],
  },
  {
    name: 'PowerShell lines as Teams delivers them, with numeric, named and double entities',
    paste:
      '<p>$password&nbsp;=&nbsp;&#39;Sup3r&amp;S3cret!&#39;</p><p>$secure = ConvertTo-SecureString &quot;Hunter2pass&quot; -AsPlainText -Force</p><p>{&amp;quot;clientSecret&amp;quot;: &amp;quot;json-Twice-9&amp;quot;}</p><p>&#x24;token = &#x27;opaque-Tok-5&#x27;</p>',
    secrets: ['Sup3r', 'S3cret!', 'Hunter2pass', 'json-Twice-9', 'opaque-Tok-5'],
    kinds: ['password', 'clientSecret', 'accessToken'],
    keeps: ['$password&nbsp;=&nbsp;&#39;[REDACTED]&#39;</p>', 'ConvertTo-SecureString &quot;[REDACTED]&quot; -AsPlainText', '&amp;quot;: &amp;quot;[REDACTED]&amp;quot;}'],
  },
  {
    name: 'a Korean variable name',
    paste: "$비밀번호 = '겨울2024!'\n$cred = New-Object System.Management.Automation.PSCredential('관리자@contoso.kr', (ConvertTo-SecureString $비밀번호 -AsPlainText -Force))",
    secrets: ['겨울2024!'],
    kinds: ['password'],
    keeps: ["$비밀번호 = '[REDACTED]'", '관리자@contoso.kr'],
  },
  {
    name: 'Korean and German JSON properties',
    paste: '{ "사용자": "관리자@contoso.kr", "암호": "Bom#2025", "Kennwort": "Fruehling!24" }',
    secrets: ['Bom#2025', 'Fruehling!24'],
    kinds: ['password'],
    keeps: ['"사용자": "관리자@contoso.kr"', '"암호": "[REDACTED]"', '"Kennwort": "[REDACTED]"'],
  },
  {
    name: 'the keyword inside longer JSON, parameter and environment names',
    paste:
      '{ "adminPasswordValue": "Jv7-longer-name" }\n$env:AZURE_CLIENT_SECRET = \'env-Secret-31\'\nNew-AzADSpCredential -ObjectId $sp.Id -CustomKeyIdentifier x -PasswordPlain Ab12-plain\n$certPassphrase = "Pfx phrase 7"',
    secrets: ['Jv7-longer-name', 'env-Secret-31', 'Ab12-plain', 'Pfx phrase 7'],
    kinds: ['password', 'clientSecret'],
  },
  {
    name: 'a quoted name in a .reg file',
    paste: '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon]\n"DefaultUserName"="svc-sfb"\n"DefaultPassword"="Autologon1!"',
    secrets: ['Autologon1!'],
    kinds: ['password'],
    keeps: ['"DefaultUserName"="svc-sfb"', '"DefaultPassword"="[REDACTED]"'],
  },
  {
    name: 'a connection string given as -ConnectionString',
    paste: 'Invoke-Sqlcmd -ConnectionString "Server=sql01;Database=LyncCdr;User ID=sa;Password=Sql2019!" -Query "SELECT 1"',
    secrets: ['Sql2019!'],
    kinds: ['connectionString'],
    keeps: ['-ConnectionString "[REDACTED]" -Query "SELECT 1"'],
  },
  {
    name: 'API keys in a header hashtable and a parameter',
    paste: "$headers = @{ 'Ocp-Apim-Subscription-Key' = 'a1b2c3d4e5f60718293a4b5c6d7e8f90' }\nInvoke-Tool -ApiKey k-123-456-789",
    secrets: ['a1b2c3d4e5f60718293a4b5c6d7e8f90', 'k-123-456-789'],
    kinds: ['apiKey'],
    keeps: ["'Ocp-Apim-Subscription-Key' = '[REDACTED]'", '-ApiKey [REDACTED]'],
  },
  {
    name: 'a SAS token given as -SasToken',
    paste: "New-AzStorageContext -StorageAccountName sa1 -SasToken 'sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01&sig=Zm9vU2ln'",
    secrets: ['Zm9vU2ln', 'sv=2022-11-02'],
    kinds: ['sasSignature'],
  },
  {
    name: 'several secrets, kinds distinct and in order',
    paste: `$password = 'first-Pass1'\n$headers = @{ Authorization = "Bearer ${graphToken}" }\n$pwd = 'second-Pass2'`,
    secrets: ['first-Pass1', graphToken, 'second-Pass2'],
    kinds: ['password', 'accessToken'],
  },
];

/** The review's forms: each line as admins paste it, once after an English and once inside a Korean paste. */
interface ReviewForm {
  name: string;
  line: string;
  secrets: string[];
  kinds: SecretKind[];
  keeps: string[];
}

const reviewForms: ReviewForm[] = [
  {
    name: 'ConvertTo-SecureString of a single-quoted password starting with $ (literal in single quotes)',
    line: "$sec = ConvertTo-SecureString '$Winter2024' -AsPlainText -Force",
    secrets: ['Winter2024'],
    kinds: ['password'],
    keeps: ["ConvertTo-SecureString '[REDACTED]' -AsPlainText -Force"],
  },
  {
    name: 'the keyword inside a longer variable name',
    line: '$Password2 = "Spring#2024"',
    secrets: ['Spring#2024'],
    kinds: ['password'],
    keeps: ['$Password2 = "[REDACTED]"'],
  },
  {
    name: 'a quoted hashtable key for splatting',
    line: "$p = @{ 'UserName' = 'admin@contoso.com'; 'Password' = 'Winter2024!' }",
    secrets: ['Winter2024!'],
    kinds: ['password'],
    keeps: ["@{ 'UserName' = 'admin@contoso.com'; 'Password' = '[REDACTED]' }"],
  },
  {
    name: '-StorageAccountKey beside -StorageAccountName',
    line: `New-AzStorageContext -StorageAccountName sa1 -StorageAccountKey '${storageKey}'`,
    secrets: [storageKey],
    kinds: ['storageAccountKey'],
    keeps: ["-StorageAccountName sa1 -StorageAccountKey '[REDACTED]'"],
  },
  {
    name: '[System.Net.NetworkCredential]::new',
    line: "[System.Net.NetworkCredential]::new('admin', 'Winter2024!')",
    secrets: ['Winter2024!'],
    kinds: ['password'],
    keeps: ["NetworkCredential]::new('admin', '[REDACTED]')"],
  },
  {
    name: 'the Korean SecureString binding error, which quotes the value',
    line: 'New-LocalUser : \'Password\' 매개 변수를 바인딩할 수 없습니다. "System.String" 형식의 "Spring#2024" 값을 "System.Security.SecureString" 형식으로 변환할 수 없습니다.',
    secrets: ['Spring#2024'],
    kinds: ['password'],
    keeps: ['"System.String" 형식의 "[REDACTED]" 값을 "System.Security.SecureString" 형식으로 변환할 수 없습니다.'],
  },
  {
    name: 'an Authorization: Basic header',
    line: `Authorization: Basic ${basicUserPassword}`,
    secrets: [basicUserPassword],
    kinds: ['password'],
    keeps: ['Authorization: Basic [REDACTED]'],
  },
  {
    name: 'a connection string password with spaces, up to the ;',
    line: 'Server=sql1;User ID=sa;Password=correct horse battery;',
    secrets: ['correct horse battery', 'horse battery'],
    kinds: ['password'],
    keeps: ['Server=sql1;User ID=sa;Password=[REDACTED];'],
  },
  {
    name: 'an appSettings entry as Teams delivers HTML',
    line: '&lt;add key=&quot;ClientSecret&quot; value=&quot;kL9vT2pQw8Zx&quot; /&gt;',
    secrets: ['kL9vT2pQw8Zx'],
    kinds: ['clientSecret'],
    keeps: ['&lt;add key=&quot;ClientSecret&quot; value=&quot;[REDACTED]&quot; /&gt;'],
  },
  {
    name: 'an appSettings entry escaped twice',
    line: '&amp;lt;add key=&amp;quot;ClientSecret&amp;quot; value=&amp;quot;kL9vT2pQw8Zx&amp;quot; /&amp;gt;',
    secrets: ['kL9vT2pQw8Zx'],
    kinds: ['clientSecret'],
    keeps: ['value=&amp;quot;[REDACTED]&amp;quot; /&amp;gt;'],
  },
];

const contexts: Array<[string, (line: string) => string]> = [
  [
    'in English',
    (line) =>
      `PS C:\\> ${line}\nGet-CsWebTicket : Logon failed for the user 'kenmyer@litwareinc.com'. Please create a new PSCredential object, making sure that you have used the correct user name and password.`,
  ],
  [
    'in Korean',
    (line) =>
      `@Connector Doctor 접속이 안 돼서 실행한 스크립트를 붙여 드립니다.\nPS C:\\> ${line}\nNew-PSSession : [admin3b.online.lync.com] 원격 서버 admin3b.online.lync.com에 연결하지 못했습니다. 오류 메시지: 액세스가 거부되었습니다.\n다시 해도 같습니다.`,
  ],
];

secretPastes.push(
  ...reviewForms.flatMap(({ name, line, ...expected }) => contexts.map(([how, around]) => ({ name: `${name}, ${how}`, paste: around(line), ...expected }))),
);

const harmlessPastes: Array<[string, string]> = [
  [
    'the logon failure itself',
    "Get-CsWebTicket : Logon failed for the user 'kenmyer@litwareinc.com'. Please create a new PSCredential object, making sure that you have used the correct user name and password.",
  ],
  [
    'the PowerShell version error',
    "Import-Module : The version of the loaded PowerShell is '2.0'. The module 'D:\\Program Files\\Common Files\\Microsoft Lync Server 2013\\Modules\\LyncOnlineConnector\\LyncOnlineConnector.psd1' requires a minimum PowerShell version of '3.0' to execute.",
  ],
  [
    'a WinRM failure naming the server',
    'New-PSSession : [admin0b.online.lync.com] Connecting to remote server admin0b.online.lync.com failed with the following error message : The WinRM client cannot process the request. Basic authentication is currently disabled in the client configuration.',
  ],
  ['Get-Credential and -Credential $cred', '$cred = Get-Credential\n$session = New-CsOnlineSession -Credential $cred -Verbose\nImport-PSSession $session'],
  ['-Credential with a colon and a variable', 'Connect-MicrosoftTeams -Credential:$cred'],
  ['-Credential with a user name', 'Connect-MsolService -Credential admin@contoso.onmicrosoft.com'],
  ['ConvertTo-SecureString of a variable', 'ConvertTo-SecureString : Cannot bind argument to parameter \'String\' because it is null.\nAt line:1 char:7\n+ $pw = ConvertTo-SecureString $env:SFB_PW -AsPlainText -Force'],
  ['[pscredential]::new with a SecureString variable', "$cred = [pscredential]::new('admin@contoso.onmicrosoft.com', $securePw)"],
  ['a prompt for the password', '$password = Read-Host "Password" -AsSecureString'],
  ['password switches with variables', 'New-MsolUser -UserPrincipalName a@contoso.com -PasswordNeverExpires $true -ForceChangePassword:$false'],
  ['a documentation placeholder', 'Connect-ExchangeOnline -UserPrincipalName <UPN> -Password <password>'],
  ['a masked password', "$password = '********'"],
  [
    'a WWW-Authenticate challenge',
    'WWW-Authenticate: Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token", error_description="The access token has expired"',
  ],
  ['a Graph paging link', 'GET https://graph.microsoft.com/v1.0/users?$skiptoken=RFNwdAIAAQAAAD8xMjM0NTY3ODkwYWJjZGVm&$top=100'],
  ['a token response without the token', '{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"passwordPolicies":"DisablePasswordExpiration"}'],
  ['net use that prompts', 'net use \\\\fs01\\share /user:CONTOSO\\admin *'],
  ['a URL with a port', 'Invoke-WebRequest : Unable to connect to the remote server https://login.microsoftonline.com:443/common/oauth2/token'],
  ['$PSVersionTable output', 'PS C:\\Users\\admin> $PSVersionTable.PSVersion\n\nMajor  Minor  Build  Revision\n-----  -----  -----  --------\n5      1      19041  1237'],
  ['an execution policy error', 'File C:\\Scripts\\Connect-SfB.ps1 cannot be loaded because running scripts is disabled on this system. Set-ExecutionPolicy -ExecutionPolicy Bypass -Scope Process'],
  ['the current directory', 'PWD=/home/admin'],
  ['a double-quoted variable given to ConvertTo-SecureString', '$sec = ConvertTo-SecureString "$plain" -AsPlainText -Force'],
  ['Get-Credential', '$cred = Get-Credential -UserName admin@contoso.onmicrosoft.com -Message "Password is required for managed user"'],
  ['a managed-user error code', '{"error":"invalid_grant","error_description":"AADSTS50126: Error validating credentials due to invalid username or password.","suberror":"password_required_for_managed_user"}'],
  [
    'an AADSTS error with its ids',
    'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.\nTrace ID: 0f3c1a2b-9d8e-4f7a-8b6c-5d4e3f2a1b0c\nCorrelation ID: 7e6d5c4b-3a29-4817-a6b5-c4d3e2f1a0b9\nTimestamp: 2024-05-01 10:11:12Z',
  ],
  ['an access token time window', 'Connect-MicrosoftTeams : The provided tokens must have less than 5400 seconds difference in their expiry times.'],
  ['-AccessTokens without a value', 'Connect-MicrosoftTeams -AccessTokens'],
  [
    'a certificate thumbprint',
    'Connect-MicrosoftTeams -CertificateThumbprint A937EEF7DA9343D62922DFE51F8F06478B4D90A7 -ApplicationId 6f1c8a3e-1d2b-4c5d-9e8f-0a1b2c3d4e5f -TenantId contoso.onmicrosoft.com',
  ],
  ["a certificate binding error", "Connect-MicrosoftTeams : Cannot bind parameter 'Certificate'. Cannot convert the \"C:\\certs\\app.pfx\" value of type \"System.String\" to type \"System.Security.Cryptography.X509Certificates.X509Certificate2\"."],
  [
    'key parameters of a self-signed certificate',
    'New-SelfSignedCertificate -Subject "CN=TeamsApp" -CertStoreLocation Cert:\\CurrentUser\\My -KeyExportPolicy Exportable -KeySpec Signature -KeyLength 2048 -KeyAlgorithm RSA -HashAlgorithm SHA256',
  ],
  ['names of secrets, not secrets', "$KeyVaultName = 'kv-teams-prod'\n$secretName = 'TeamsBotSecret'\nGet-AzKeyVaultSecret -VaultName $KeyVaultName -Name $secretName -AsPlainText"],
  ['a registry key path', "$regKey = 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon'\n$key = 'HKLM:\\SOFTWARE\\Policies'"],
  ['the name of a shared access key', 'Endpoint=sb://contoso-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey'],
  ['an appSettings entry without a secret', '<add key="ida:Tenant" value="contoso.onmicrosoft.com" />'],
  ['a password policy property', '{ "passwordPolicies": "DisablePasswordExpiration", "passwordProfile": { "forceChangePasswordNextSignIn": true } }'],
  ['a token type', 'https://contoso.com/callback#token_type=Bearer&expires_in=3599'],
  ['a NetworkCredential from a PSCredential', '$plain = $cred.GetNetworkCredential().Password\n$nc = [System.Net.NetworkCredential]::new($user, $securePw)'],
  ['Basic authentication, not credentials', 'WWW-Authenticate: Basic realm="contoso"\n$headers = @{ Authorization = "Basic $encoded" }\nWinRM: Basic authentication is currently disabled in the client configuration.'],
  ['a prose sentence about a password setting', 'After I set PasswordNeverExpires = $true the error below went away; then it came back.'],
  ['escaped HTML without secrets', '&lt;add key=&quot;ida:Tenant&quot; value=&quot;contoso.onmicrosoft.com&quot; /&gt; &amp;amp; &#0; &#x110000; &bogus; &amp;'],
  [
    'an assembly that did not load',
    "Connect-MicrosoftTeams : Could not load file or assembly 'Microsoft.Identity.Client, Version=4.61.3.0, Culture=neutral, PublicKeyToken=0a613f4dd989e8ae'. The located assembly's manifest definition does not match the assembly reference.",
  ],
  ['a sentence about Basic authorization', 'The WinRM client sent the bearer token in an Authorization: Basic header; Basic authentication is disabled.'],
  ['a user name given as -Credential in a variable', "$cred = 'CONTOSO\\svc-lync'\nConnect-MsolService -Credential $cred"],
];

describe('redactSecrets', () => {
  describe('hides secrets as admins paste them', () => {
    for (const { name, paste, secrets, kinds, keeps = [] } of secretPastes) {
      it(name, () => {
        const result = redactSecrets(paste);
        for (const secret of secrets) assert.ok(!result.text.includes(secret), `"${secret}" survived in:\n${result.text}`);
        assert.deepEqual(result.kinds, kinds);
        for (const kept of keeps) assert.ok(result.text.includes(kept), `"${kept}" is missing from:\n${result.text}`);
      });
    }
    it('exercises every kind', () => {
      const exercised = new Set(secretPastes.flatMap(({ kinds }) => kinds));
      assert.deepEqual(SecretKind.options.filter((kind) => !exercised.has(kind)), []);
    });
  });

  describe('leaves pastes without secrets byte-identical', () => {
    for (const [name, paste] of harmlessPastes) {
      it(name, () => assert.deepEqual(redactSecrets(paste), { text: paste, kinds: [] }));
    }
    it('every labelled paste and every known error text', () => {
      const modes = defaultKnowledge().modes;
      const texts = [
        ...readJsonl(fixturePath('pastes.jsonl')).map(({ text }) => text),
        ...modes.flatMap((m) => [m.errorText, ...(m.errorTextKo ? [m.errorTextKo] : []), ...m.signatures.map(({ text }) => fillTemplate(text))]),
      ];
      for (const text of texts) assert.deepEqual(redactSecrets(text), { text, kinds: [] }, text);
    });
  });

  it('finds nothing more the second time', () => {
    for (const { paste } of secretPastes) {
      const once = redactSecrets(paste).text;
      assert.deepEqual(redactSecrets(once), { text: once, kinds: [] });
    }
  });

  describe('finishes on 100 KB of adversarial text', () => {
    const cases: Array<[string, string, { text: string; kinds: SecretKind[] }]> = [
      ['a parameter with no value, repeated', '-Password '.repeat(10_000), { text: '-Password '.repeat(10_000), kinds: [] }],
      ['a JWT header that never ends', 'eyJ' + 'a'.repeat(100_000), { text: 'eyJ' + 'a'.repeat(100_000), kinds: [] }],
      ['an unterminated string', "$password = '" + 'x'.repeat(100_000), { text: `$password = '${REDACTED}`, kinds: ['password'] }],
      ['quotes only', "'".repeat(100_000), { text: "'".repeat(100_000), kinds: [] }],
      ['a URL that never reaches its host', 'https://a:' + 'b:'.repeat(50_000), { text: 'https://a:' + 'b:'.repeat(50_000), kinds: [] }],
      ['Bearer without a token, repeated', 'Bearer '.repeat(15_000), { text: 'Bearer '.repeat(15_000), kinds: [] }],
      ...(['Cannot convert the "', '"System.String" 형식의 "', 'S\n'].map((head) => {
        const text = head.repeat(100_000 / head.length) + ' to type "System.Security.SecureString"';
        return [`SecureString error openings without an end: ${JSON.stringify(head)}`, text, { text, kinds: [] }] as [string, string, { text: string; kinds: SecretKind[] }];
      })),
      [
        'a private key of dashes',
        '-----BEGIN PRIVATE KEY-----' + '-'.repeat(100_000),
        { text: '-----BEGIN PRIVATE KEY-----' + '-'.repeat(100_000), kinds: [] },
      ],
    ];
    for (const [name, input, expected] of cases) {
      it(name, () => assert.deepEqual(redactSecrets(input), expected));
    }
  });
});

describe('redactSecrets: the trigger-word shortcut', () => {
  const pieces = [
    '-Password ', '$password = ', "'x1y2z3'", '"Hunter2!"', 'ConvertTo-SecureString ', ' -AsPlainText -Force', 'Bearer ',
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjF9.abc', 'AccountKey=', `abc8Q~${'x'.repeat(33)}`, 'sig=', 'https://u:p@h', 'net use \\\\srv /user:a pw',
    '-Credential ', 'admin@x.com', 'PSCredential(', ',', ')', '-----BEGIN PRIVATE KEY-----', 'MIIE', '-----END PRIVATE KEY-----', ' ', '\n',
    'client_secret=', '"password": "p"', 'token=', '$secret = ', 'Cannot convert the "pw" value of type "System.String" to type "System.Security.SecureString"',
    'MicrosoftAppPassword=', 'SharedAccessKey=', 'Pwd=', '$pw = ', 'Logon failed for the user', "'kenmyer@litwareinc.com'",
  ];
  it('never changes a result: 20,000 random mixes of secret-shaped pieces, in any case', () => {
    let seed = 11;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff;
    let withSecrets = 0;
    for (let i = 0; i < 20_000; i++) {
      let text = '';
      for (let n = 1 + Math.floor(random() * 8); n > 0; n--) {
        const piece = pieces[Math.floor(random() * pieces.length)] as string;
        const r = random();
        text += r < 0.25 ? piece.toUpperCase() : r < 0.4 ? piece.toLowerCase() : piece;
      }
      const reference = redactSecretsWithoutShortcut(text);
      if (reference.kinds.length > 0) withSecrets++;
      assert.deepEqual(redactSecrets(text), reference, JSON.stringify(text));
    }
    assert.ok(withSecrets > 5_000, `the mixes contained secrets (${withSecrets})`);
  });
});

describe('redactSecrets: random secrets in every form never survive', () => {
  const seeded = seededRandom;

  const random = seeded(0x5ec2e7);
  const pick = (chars: string): string => chars.charAt(Math.floor(random() * chars.length));
  const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const BASE64 = `${ALNUM}+/`;
  /** A secret of 8 to 24 characters from `chars`, starting with a letter or digit so it is no variable, switch or placeholder. */
  const secretOf = (chars: string): string => {
    let secret = pick(ALNUM);
    for (let n = 7 + Math.floor(random() * 17); n > 0; n--) secret += pick(chars);
    return secret + pick(ALNUM);
  };

  /** What may stand inside each kind of quoting, and bare. */
  const SINGLE_QUOTED = `${ALNUM}$#!;=%^*-_.~+/@"&<>?, `;
  const DOUBLE_QUOTED = `${ALNUM}#!;=%^*-_.~+/@'&<>?, `;
  const BARE = `${ALNUM}$#!=%^*-_.~+/@&<>?`;
  const CONNECTION_STRING = `${ALNUM}$#!=%^*-_.~+/@? `;
  const IN_MESSAGE = `${ALNUM}$#!;=%^*-_.~+/@'&<>?, `;
  const JSON_SAFE = `${ALNUM}$#!;=%^*-_.~+/@'&<>?, `;

  interface Form {
    name: string;
    kind: SecretKind;
    /** The secret, and the line that carries it. */
    make: () => [string, string];
  }
  const form = (name: string, kind: SecretKind, chars: string, line: (secret: string) => string): Form => ({
    name,
    kind,
    make: () => {
      const secret = secretOf(chars);
      return [secret, line(secret)];
    },
  });
  const messages = [
    (v: string) => `Cannot convert the "${v}" value of type "System.String" to type "System.Security.SecureString".`,
    (v: string) => `"System.String" 형식의 "${v}" 값을 "System.Security.SecureString" 형식으로 변환할 수 없습니다.`,
    (v: string) => `"System.String" 유형의 "${v}" 값을 "System.Security.SecureString" 유형으로 변환할 수 없습니다.`,
    (v: string) => `Der Wert "${v}" vom Typ "System.String" kann nicht in den Typ "System.Security.SecureString" konvertiert werden.`,
    (v: string) => `Impossible de convertir la valeur « ${v} » du type « System.String » en type « System.Security.SecureString ».`,
    (v: string) => `型 "System.String" の "${v}" 値を型 "System.Security.SecureString" に変換できません。`,
    (v: string) => `No se puede convertir el valor "${v}" de tipo "System.String" al tipo "System.Security.SecureString".`,
    (v: string) => `无法将“System.String”类型的“${v}”值转换为“System.Security.SecureString”类型。`,
  ];
  const forms: Form[] = [
    form('ConvertTo-SecureString, single quotes', 'password', SINGLE_QUOTED, (s) => `$sec = ConvertTo-SecureString '${s}' -AsPlainText -Force`),
    form('a keyword inside a variable name', 'password', DOUBLE_QUOTED, (s) => `$Password2 = "${s}"`),
    form('a quoted hashtable key', 'password', SINGLE_QUOTED, (s) => `$p = @{ 'UserName' = 'admin@contoso.com'; 'Password' = '${s}' }`),
    form('NetworkCredential', 'password', SINGLE_QUOTED, (s) => `[System.Net.NetworkCredential]::new('admin', '${s}')`),
    form('-StorageAccountKey, quoted', 'storageAccountKey', SINGLE_QUOTED, (s) => `New-AzStorageContext -StorageAccountName sa1 -StorageAccountKey '${s}'`),
    form('-StorageAccountKey, bare', 'storageAccountKey', BARE, (s) => `New-AzStorageContext -StorageAccountName sa1 -StorageAccountKey ${s}`),
    form('-NewPassword', 'password', DOUBLE_QUOTED, (s) => `Set-MsolUserPassword -UserPrincipalName kenmyer@litwareinc.com -NewPassword "${s}" -ForceChangePassword $false`),
    form('-ClientSecret', 'clientSecret', BARE, (s) => `Connect-PnPOnline -Url https://contoso.sharepoint.com -ClientId 6f1c8a3e -ClientSecret ${s}`),
    ...messages.map((message, i) => form(`the SecureString error, wording ${i + 1}`, 'password', IN_MESSAGE, (s) => `New-LocalUser : ${message(s)}`)),
    form('a connection string', 'password', CONNECTION_STRING, (s) => `Server=sql1;User ID=sa;Password=${s};`),
    form('a JSON property', 'password', JSON_SAFE, (s) => `{ "userName": "admin@contoso.com", "adminPassword": "${s}" }`),
    form('an appSettings entry', 'clientSecret', DOUBLE_QUOTED, (s) => `<add key="ClientSecret" value="${s}" />`),
    form('a Korean variable name', 'password', SINGLE_QUOTED, (s) => `$비밀번호 = '${s}'`),
    form('a form body', 'clientSecret', BARE.replace('&', ''), (s) => `-Body "grant_type=client_credentials&client_secret=${s}&scope=x"`),
    form('a SAS signature', 'sasSignature', `${ALNUM}%`, (s) => `https://sa1.blob.core.windows.net/logs/a.txt?sv=2022-11-02&sp=r&sig=${s}`),
    {
      name: 'Authorization: Basic',
      kind: 'password',
      make: () => {
        const encoded = Buffer.from(`admin:${secretOf(SINGLE_QUOTED)}`).toString('base64');
        return [encoded, `Authorization: Basic ${encoded}`];
      },
    },
    form('Authorization: Bearer', 'accessToken', `${ALNUM}._~+/-`, (s) => `Authorization: Bearer ${s}${s}`),
    {
      name: 'a JWT',
      kind: 'accessToken',
      make: () => {
        const token = jwt({ upn: 'admin@contoso.com', nonce: secretOf(SINGLE_QUOTED) });
        return [token, `The token ${token} is not valid for audience 'https://graph.microsoft.com'.`];
      },
    },
    {
      name: 'a private key block',
      kind: 'privateKey',
      make: () => {
        const body = [secretOf(BASE64), secretOf(BASE64)];
        return [body.join('\n'), ['-----BEGIN ' + 'PRIVATE KEY-----', ...body, '-----END ' + 'PRIVATE KEY-----'].join('\n')];
      },
    },
  ];

  const escapeHtml = (text: string): string =>
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  const unescapeHtml = (text: string): string =>
    text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  const deliveries: Array<[string, (paste: string) => string]> = [
    ['as typed', (paste) => paste],
    ['HTML-escaped', escapeHtml],
    ['escaped twice', (paste) => escapeHtml(escapeHtml(paste))],
  ];
  const ROUNDS = 6;

  for (const { name, kind, make } of forms) {
    it(`${name}: ${ROUNDS} secrets, in English and Korean, as typed, escaped and escaped twice`, () => {
      for (let round = 0; round < ROUNDS; round++) {
        const [secret, line] = make();
        for (const [, around] of contexts) {
          for (const [how, deliver] of deliveries) {
            const paste = deliver(around(line));
            const result = redactSecrets(paste);
            const readBack = [result.text, unescapeHtml(result.text), unescapeHtml(unescapeHtml(result.text))];
            for (const text of readBack) assert.ok(!text.includes(secret), `${how}: "${secret}" survived in:\n${result.text}`);
            assert.deepEqual(result.kinds, [kind], `${how}: ${JSON.stringify(paste)}`);
          }
        }
      }
    });
  }
});
