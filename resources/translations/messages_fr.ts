<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
    <context>
        <name>Messages</name>
        <message>
            <source>accounts must be a list, not {kind}</source>
            <comment>accounts.accounts-not-list</comment>
            <translation>accounts doit être une liste, pas {kind}</translation>
        </message>
        <message>
            <source>--adopt needs --maildir: the folder where the other program stored this mail</source>
            <comment>accounts.adopt-needs-maildir</comment>
            <translation>--adopt demande --maildir : le dossier où l’autre programme a rangé ce courrier</translation>
        </message>
        <message>
            <source>--adopt: {path} is not a Maildir (a folder with cur and new folders in it); give with --maildir the Maildir where the other program stored this mail</source>
            <comment>accounts.adopt-not-a-maildir</comment>
            <translation>--adopt : {path} n’est pas un Maildir (un dossier contenant les dossiers cur et new) ; indiquez avec --maildir le Maildir où l’autre programme a rangé ce courrier</translation>
        </message>
        <message>
            <source>{setting} goes only with first_sync all, not {choice}: adopting recognises what is on the server in the Maildir and downloads the rest</source>
            <comment>accounts.adopt-with-first-sync</comment>
            <translation>{setting} ne va qu’avec first_sync all, et non {choice} : l’adoption reconnaît dans le Maildir ce qui est sur le serveur et télécharge le reste</translation>
        </message>
        <message>
            <source>done: the mail found in the Maildir was adopted</source>
            <comment>accounts.adoption-done</comment>
            <translation>fait : le courrier trouvé dans le Maildir a été adopté</translation>
        </message>
        <message>
            <source>cannot read the settings file {path}: {reason}</source>
            <comment>accounts.cannot-read</comment>
            <translation>impossible de lire le fichier de réglages {path} : {reason}</translation>
        </message>
        <message>
            <source>could not save the settings to {path}: {reason}</source>
            <comment>accounts.cannot-save</comment>
            <translation>impossible d’enregistrer les réglages dans {path} : {reason}</translation>
        </message>
        <message>
            <source>{setting} is empty: name the command that prints it</source>
            <comment>accounts.command-empty</comment>
            <translation>{setting} est vide : indiquez la commande qui affiche le mot de passe</translation>
        </message>
        <message>
            <source>{setting} is only used with password_source command</source>
            <comment>accounts.command-unused</comment>
            <translation>{setting} ne sert qu’avec la source de mot de passe « command »</translation>
        </message>
        <message>
            <source>{setting} contains a control character (line break, tab, NUL...): remove it</source>
            <comment>accounts.control-character</comment>
            <translation>{setting} contient un caractère de contrôle (saut de ligne, tabulation, NUL…) : retirez-le</translation>
        </message>
        <message>
            <source>{setting} is needed with policy delete-after-days</source>
            <comment>accounts.days-needed</comment>
            <translation>{setting} est nécessaire avec la règle delete-after-days</translation>
        </message>
        <message>
            <source>{setting} must be 1 or more, not {days}</source>
            <comment>accounts.days-too-few</comment>
            <translation>{setting} doit valoir au moins 1, pas {days}</translation>
        </message>
        <message>
            <source>{setting} is only used with policy delete-after-days</source>
            <comment>accounts.days-unused</comment>
            <translation>{setting} ne sert qu’avec la règle delete-after-days</translation>
        </message>
        <message>
            <source>{setting} is empty: leave it out to use the default</source>
            <comment>accounts.empty-use-default</comment>
            <translation>{setting} est vide : omettez-le pour garder la valeur par défaut</translation>
        </message>
        <message>
            <source>the file must hold a JSON object, not {kind}</source>
            <comment>accounts.file-not-object</comment>
            <translation>le fichier doit contenir un objet JSON, pas {kind}</translation>
        </message>
        <message>
            <source>the settings file {path} is wrong: {error}</source>
            <comment>accounts.file-wrong</comment>
            <translation>le fichier de réglages {path} est incorrect : {error}</translation>
        </message>
        <message>
            <source>{setting} must be a SHA-256 fingerprint: 64 hexadecimal digits, with or without a colon between each pair</source>
            <comment>accounts.fingerprint-form</comment>
            <translation>{setting} doit comporter 64 chiffres hexadécimaux (SHA-256), avec ou sans deux-points entre chaque paire</translation>
        </message>
        <message>
            <source>{setting} must be a day written YYYY-MM-DD (for example 2024-01-31), not {value}</source>
            <comment>accounts.first-sync-day</comment>
            <translation>{setting} doit être un jour écrit AAAA-MM-JJ (par exemple 2024-01-31), et non {value}</translation>
        </message>
        <message numerus="yes">
            <source>done: {count} message(s) left on the server</source>
            <comment>accounts.first-sync-done</comment>
            <translation>
                <numerusform>fait : {count} message laissé sur le serveur</numerusform>
                <numerusform>fait : {count} messages laissés sur le serveur</numerusform>
            </translation>
        </message>
        <message>
            <source>{setting} must be a moment in ISO 8601 with its time zone (for example 2024-01-31T09:30:00+00:00), not {value}</source>
            <comment>accounts.first-sync-moment</comment>
            <translation>{setting} doit être un instant au format ISO 8601 avec son fuseau horaire (par exemple 2024-01-31T09:30:00+00:00), et non {value}</translation>
        </message>
        <message>
            <source>not done yet: at the next sync</source>
            <comment>accounts.first-sync-pending</comment>
            <translation>pas encore faite : à la prochaine relève</translation>
        </message>
        <message>
            <source>{setting} is only used with first_sync new or since</source>
            <comment>accounts.first-sync-since-unused</comment>
            <translation>{setting} ne sert qu’avec first_sync new ou since</translation>
        </message>
        <message>
            <source>{setting} {host} is neither a host name nor an IP address</source>
            <comment>accounts.host-all-digits</comment>
            <translation>{setting} {host} n’est ni un nom d’hôte ni une adresse IP</translation>
        </message>
        <message>
            <source>{setting} {host} is not a valid host name (a server name has letters, digits, '-' and '.'; no spaces, slashes or port numbers)</source>
            <comment>accounts.host-bad-characters</comment>
            <translation>{setting} {host} n’est pas un nom d’hôte valide (un nom de serveur se compose de lettres, de chiffres, de « - » et de « . » ; ni espaces, ni barres obliques, ni numéro de port)</translation>
        </message>
        <message>
            <source>{setting} is empty: give the POP server name, e.g. pop.example.org</source>
            <comment>accounts.host-empty</comment>
            <translation>{setting} est vide : indiquez le nom du serveur POP, par exemple pop.example.org</translation>
        </message>
        <message>
            <source>{setting} {host} is not a valid host name</source>
            <comment>accounts.host-invalid</comment>
            <translation>{setting} {host} n’est pas un nom d’hôte valide</translation>
        </message>
        <message>
            <source>{setting} {host} is not a valid host name or IPv6 address (give the port in the port setting)</source>
            <comment>accounts.host-not-ipv6</comment>
            <translation>{setting} {host} n’est ni un nom d’hôte ni une adresse IPv6 valide (indiquez le port dans le réglage du port)</translation>
        </message>
        <message>
            <source>account {position}: {error}</source>
            <comment>accounts.in-account</comment>
            <translation>compte {position} : {error}</translation>
        </message>
        <message>
            <source>account {position} ({name}): {error}</source>
            <comment>accounts.in-named-account</comment>
            <translation>compte {position} ({name}) : {error}</translation>
        </message>
        <message>
            <source>{setting} must be between {low} and {high} (a day), not {minutes}</source>
            <comment>accounts.interval-range</comment>
            <translation>{setting} doit être compris entre {low} et {high} (un jour), pas {minutes}</translation>
        </message>
        <message>
            <source>{setting} is only used with oauth_provider custom</source>
            <comment>accounts.issuer-custom-only</comment>
            <translation>{setting} ne sert qu’avec le fournisseur custom</translation>
        </message>
        <message>
            <source>{setting} is needed with oauth_provider custom: the address whose /.well-known/openid-configuration describes the provider</source>
            <comment>accounts.issuer-needed</comment>
            <translation>{setting} est nécessaire avec le fournisseur custom : l’adresse dont le /.well-known/openid-configuration décrit le fournisseur</translation>
        </message>
        <message>
            <source>{setting} must be an https:// address (http:// only on this machine), not {issuer}</source>
            <comment>accounts.issuer-not-https</comment>
            <translation>{setting} doit être une adresse https:// (http:// seulement sur cette machine), pas {issuer}</translation>
        </message>
        <message>
            <source>it must be a JSON object, not {kind}</source>
            <comment>accounts.item-not-object</comment>
            <translation>ce doit être un objet JSON, pas {kind}</translation>
        </message>
        <message>
            <source>an account that signs in with Kerberos (auth gssapi) uses your ticket and has no password: leave out the password command and password file</source>
            <comment>accounts.kerberos-no-password</comment>
            <translation>un compte qui se connecte avec Kerberos (auth gssapi) utilise votre ticket et n’a pas de mot de passe : retirez la commande de mot de passe et le fichier de mot de passe</translation>
        </message>
        <message>
            <source>true/false</source>
            <comment>accounts.kind-boolean</comment>
            <translation>vrai/faux</translation>
        </message>
        <message>
            <source>a list</source>
            <comment>accounts.kind-list</comment>
            <translation>une liste</translation>
        </message>
        <message>
            <source>null</source>
            <comment>accounts.kind-null</comment>
            <translation>null</translation>
        </message>
        <message>
            <source>a number</source>
            <comment>accounts.kind-number</comment>
            <translation>un nombre</translation>
        </message>
        <message>
            <source>an object</source>
            <comment>accounts.kind-object</comment>
            <translation>un objet</translation>
        </message>
        <message>
            <source>text</source>
            <comment>accounts.kind-text</comment>
            <translation>du texte</translation>
        </message>
        <message>
            <source>{setting} is missing</source>
            <comment>accounts.missing</comment>
            <translation>{setting} manque</translation>
        </message>
        <message>
            <source>{setting} must be text, not {kind}</source>
            <comment>accounts.must-be-text</comment>
            <translation>{setting} doit être du texte, pas {kind}</translation>
        </message>
        <message>
            <source>{setting} may not start with '.' (it names the account's folder)</source>
            <comment>accounts.name-dot</comment>
            <translation>{setting} ne peut pas commencer par « . » (il sert de nom au dossier du compte)</translation>
        </message>
        <message>
            <source>{setting} is empty: give the account a name</source>
            <comment>accounts.name-empty</comment>
            <translation>{setting} est vide : donnez un nom au compte</translation>
        </message>
        <message>
            <source>{setting} may not contain '/' or '\' (it names the account's folder)</source>
            <comment>accounts.name-slash</comment>
            <translation>{setting} ne peut pas contenir « / » ni « \ » (il sert de nom au dossier du compte)</translation>
        </message>
        <message>
            <source>{setting} starts or ends with a space</source>
            <comment>accounts.name-spaces</comment>
            <translation>{setting} commence ou finit par un espace</translation>
        </message>
        <message>
            <source>there is already an account named {name}</source>
            <comment>accounts.name-taken</comment>
            <translation>il existe déjà un compte nommé {name}</translation>
        </message>
        <message>
            <source>there is no account named {name}</source>
            <comment>accounts.no-such-account</comment>
            <translation>il n’existe aucun compte nommé {name}</translation>
        </message>
        <message>
            <source>{setting} must be one of {choices}, not {value}</source>
            <comment>accounts.not-a-choice</comment>
            <translation>{setting} doit valoir {choices}, pas {value}</translation>
        </message>
        <message>
            <source>the settings file {path} is not valid JSON: {detail} at line {line} column {column}</source>
            <comment>accounts.not-json</comment>
            <translation>le fichier de réglages {path} n’est pas du JSON valide : {detail} à la ligne {line}, colonne {column}</translation>
        </message>
        <message>
            <source>{setting} must be true or false, not {kind}</source>
            <comment>accounts.not-true-or-false</comment>
            <translation>{setting} doit valoir true ou false, pas {kind}</translation>
        </message>
        <message>
            <source>the settings file {path} is not UTF-8 text (byte {byte})</source>
            <comment>accounts.not-utf8</comment>
            <translation>le fichier de réglages {path} n’est pas du texte UTF-8 (octet {byte})</translation>
        </message>
        <message>
            <source>{setting} must be a whole number, not {kind}</source>
            <comment>accounts.not-whole-number</comment>
            <translation>{setting} doit être un nombre entier, pas {kind}</translation>
        </message>
        <message>
            <source>{setting} may not be null</source>
            <comment>accounts.null</comment>
            <translation>{setting} ne peut pas valoir null</translation>
        </message>
        <message>
            <source>{setting} is empty: leave it out to use the provider's</source>
            <comment>accounts.oauth-empty</comment>
            <translation>{setting} est vide : omettez-le pour garder celui du fournisseur</translation>
        </message>
        <message>
            <source>auth oauth2 keeps its sign-in in the system keyring and takes no password command; for an access token printed by a command, use auth xoauth2</source>
            <comment>accounts.oauth-no-command</comment>
            <translation>l’authentification oauth2 garde sa connexion dans le trousseau du système et ne prend pas de commande de mot de passe ; pour un jeton d’accès affiché par une commande, choisissez xoauth2</translation>
        </message>
        <message>
            <source>{setting} is only used with auth oauth2</source>
            <comment>accounts.oauth-only</comment>
            <translation>{setting} ne sert qu’avec l’authentification oauth2</translation>
        </message>
        <message>
            <source>{setting} is needed with auth oauth2 ({providers})</source>
            <comment>accounts.oauth-provider-needed</comment>
            <translation>{setting} est nécessaire avec l’authentification oauth2 ({providers})</translation>
        </message>
        <message>
            <source>a password is in the settings; passwords belong in the system keyring or come from password_command: remove it</source>
            <comment>accounts.password-in-settings</comment>
            <translation>un mot de passe figure dans les réglages ; les mots de passe vont dans le trousseau du système ou viennent de password_command : retirez-le</translation>
        </message>
        <message>
            <source>{setting} is not possible with POP2: POP2 has no unique ids (UIDL) and no TOP, so popgui cannot recognise the messages already in the Maildir</source>
            <comment>accounts.pop2-adopt</comment>
            <translation>{setting} est impossible avec POP2 : POP2 n’a ni identifiants uniques (UIDL) ni TOP, popgui ne peut donc pas reconnaître les messages déjà présents dans le Maildir</translation>
        </message>
        <message>
            <source>--adopt is not possible with POP2: POP2 has no unique ids (UIDL) and no TOP, so popgui cannot recognise the messages already in the Maildir</source>
            <comment>accounts.pop2-adopt-flag</comment>
            <translation>--adopt est impossible avec POP2 : POP2 n’a ni identifiants uniques (UIDL) ni TOP, popgui ne peut donc pas reconnaître les messages déjà présents dans le Maildir</translation>
        </message>
        <message>
            <source>{setting} {auth} is not possible with POP2 (use auto)</source>
            <comment>accounts.pop2-auth</comment>
            <translation>{setting} {auth} n’est pas possible en POP2 (choisissez auto)</translation>
        </message>
        <message>
            <source>{setting} {choice} is not possible with POP2: POP2 has no unique ids (UIDL) and no TOP, so popgui cannot tell which messages to leave on the server (use all)</source>
            <comment>accounts.pop2-first-sync</comment>
            <translation>{setting} {choice} est impossible avec POP2 : POP2 n’a ni identifiants uniques (UIDL) ni TOP, popgui ne peut donc pas savoir quels messages laisser sur le serveur (utilisez all)</translation>
        </message>
        <message>
            <source>{flag} is not possible with POP2: POP2 has no unique ids (UIDL) and no TOP, so popgui cannot tell which messages to leave on the server</source>
            <comment>accounts.pop2-first-sync-flag</comment>
            <translation>{flag} est impossible avec POP2 : POP2 n’a ni identifiants uniques (UIDL) ni TOP, popgui ne peut donc pas savoir quels messages laisser sur le serveur</translation>
        </message>
        <message>
            <source>{setting} starttls is not possible with POP2 (use tls or none)</source>
            <comment>accounts.pop2-starttls</comment>
            <translation>{setting} starttls n’est pas possible en POP2 (choisissez tls ou none)</translation>
        </message>
        <message>
            <source>{setting} must be a number from 1 to 65535</source>
            <comment>accounts.port-not-number</comment>
            <translation>{setting} doit être un nombre de 1 à 65535</translation>
        </message>
        <message>
            <source>{setting} must be between 1 and 65535, not {port}</source>
            <comment>accounts.port-range</comment>
            <translation>{setting} doit être compris entre 1 et 65535, pas {port}</translation>
        </message>
        <message>
            <source>{setting} is empty: leave it out for the default mailbox</source>
            <comment>accounts.remote-folder-empty</comment>
            <translation>{setting} est vide : omettez-le pour la boîte aux lettres par défaut</translation>
        </message>
        <message>
            <source>{setting} is only used with POP2 (POP3 has no folders)</source>
            <comment>accounts.remote-folder-unused</comment>
            <translation>{setting} ne sert qu’en POP2 (POP3 n’a pas de dossiers)</translation>
        </message>
        <message>
            <source>--since must be a day written YYYY-MM-DD (for example 2024-01-31), not {value}</source>
            <comment>accounts.since-form</comment>
            <translation>--since doit être un jour écrit AAAA-MM-JJ (par exemple 2024-01-31), et non {value}</translation>
        </message>
        <message>
            <source>{setting} must be common, consumers, organizations, a directory id or a domain name, not {tenant}</source>
            <comment>accounts.tenant-form</comment>
            <translation>{setting} doit valoir common, consumers, organizations, un identifiant d’annuaire ou un nom de domaine, pas {tenant}</translation>
        </message>
        <message>
            <source>{setting} is only used with oauth_provider microsoft</source>
            <comment>accounts.tenant-microsoft-only</comment>
            <translation>{setting} ne sert qu’avec le fournisseur microsoft</translation>
        </message>
        <message>
            <source>the settings file {path} is nested too deeply</source>
            <comment>accounts.too-deep</comment>
            <translation>le fichier de réglages {path} est trop profondément imbriqué</translation>
        </message>
        <message>
            <source>{setting} is too long (over {limit} characters)</source>
            <comment>accounts.too-long</comment>
            <translation>{setting} dépasse {limit} caractères : raccourcissez-le</translation>
        </message>
        <message>
            <source>it was written by a newer popgui (settings version {version}; this popgui understands up to {supported}): upgrade popgui or use another profile</source>
            <comment>accounts.too-new</comment>
            <translation>il a été écrit par un popgui plus récent (réglages en version {version} ; ce popgui comprend jusqu’à la version {supported}) : mettez popgui à jour ou utilisez un autre profil</translation>
        </message>
        <message>
            <source>unknown setting {name}</source>
            <comment>accounts.unknown-setting</comment>
            <translation>réglage inconnu : {name}</translation>
        </message>
        <message>
            <source>{setting} is empty: give the user name for the server</source>
            <comment>accounts.user-empty</comment>
            <translation>{setting} est vide : indiquez le nom d’utilisateur sur le serveur</translation>
        </message>
        <message>
            <source>version must be a whole number, not {version}</source>
            <comment>accounts.version-not-number</comment>
            <translation>version doit être un nombre entier, pas {version}</translation>
        </message>
        <message>
            <source>its first sync recognises the mail already in {path} and downloads only the rest</source>
            <comment>accounts.will-adopt</comment>
            <translation>sa première relève reconnaît le courrier déjà présent dans {path} et ne télécharge que le reste</translation>
        </message>
        <message>
            <source>its first sync leaves the mail already on the server there and downloads only what arrives from now on</source>
            <comment>accounts.will-skip-existing</comment>
            <translation>sa première relève laisse sur le serveur le courrier qui s’y trouve déjà et ne télécharge que ce qui arrive à partir de maintenant</translation>
        </message>
        <message>
            <source>its first sync downloads only mail dated {day} or later; older mail stays on the server</source>
            <comment>accounts.will-start-since</comment>
            <translation>sa première relève ne télécharge que le courrier daté du {day} ou après ; le courrier plus ancien reste sur le serveur</translation>
        </message>
        <message>
            <source>{changed}. Someone may be intercepting the connection, or the server has a new certificate. Trusted fingerprint: {pinned}. Presented fingerprint: {presented}.</source>
            <comment>certificates.changed</comment>
            <translation>{changed}. Quelqu’un intercepte peut-être la connexion, ou bien le serveur a un nouveau certificat. Empreinte reconnue jusqu’ici : {pinned}. Empreinte présentée : {presented}.</translation>
        </message>
        <message>
            <source>the certificate of {place} has changed since you chose to trust it</source>
            <comment>certificates.changed-short</comment>
            <translation>le certificat de {place} a changé depuis que vous avez choisi de lui faire confiance</translation>
        </message>
        <message>
            <source>it expired</source>
            <comment>certificates.expired</comment>
            <translation>il a expiré</translation>
        </message>
        <message>
            <source>it expired on {date}</source>
            <comment>certificates.expired-on</comment>
            <translation>il a expiré le {date}</translation>
        </message>
        <message>
            <source>the server at {place} presented no certificate</source>
            <comment>certificates.no-certificate</comment>
            <translation>le serveur {place} n’a présenté aucun certificat</translation>
        </message>
        <message>
            <source>the certificate of {place} is not trusted: {reason}</source>
            <comment>certificates.not-trusted</comment>
            <translation>le certificat de {place} n’est pas reconnu : {reason}</translation>
        </message>
        <message>
            <source>it is not valid before {date}</source>
            <comment>certificates.not-valid-before</comment>
            <translation>il n’est pas valide avant le {date}</translation>
        </message>
        <message>
            <source>it is not valid yet</source>
            <comment>certificates.not-valid-yet</comment>
            <translation>il n’est pas encore valide</translation>
        </message>
        <message>
            <source>it could not be verified ({detail})</source>
            <comment>certificates.not-verified</comment>
            <translation>il n’a pas pu être vérifié ({detail})</translation>
        </message>
        <message>
            <source>it was issued for another address, not {server}</source>
            <comment>certificates.other-address</comment>
            <translation>il a été délivré pour une autre adresse que {server}</translation>
        </message>
        <message>
            <source>it was issued for another address, not {server} (it is valid for {names})</source>
            <comment>certificates.other-address-listed</comment>
            <translation>il a été délivré pour une autre adresse que {server} (il est valide pour {names})</translation>
        </message>
        <message>
            <source>it was issued for another name, not {server}</source>
            <comment>certificates.other-name</comment>
            <translation>il a été délivré pour un autre nom que {server}</translation>
        </message>
        <message>
            <source>it was issued for another name, not {server} (it is valid for {names})</source>
            <comment>certificates.other-name-listed</comment>
            <translation>il a été délivré pour un autre nom que {server} (il est valide pour {names})</translation>
        </message>
        <message>
            <source>it has been revoked</source>
            <comment>certificates.revoked</comment>
            <translation>il a été révoqué</translation>
        </message>
        <message>
            <source>it is self-signed, so no known authority vouches for it</source>
            <comment>certificates.self-signed</comment>
            <translation>il est auto-signé, donc aucune autorité connue ne le garantit</translation>
        </message>
        <message>
            <source>it was issued by an authority this computer does not know</source>
            <comment>certificates.unknown-authority</comment>
            <translation>il a été délivré par une autorité que cet ordinateur ne connaît pas</translation>
        </message>
        <message>
            <source>it was issued by an authority this computer does not trust</source>
            <comment>certificates.untrusted-authority</comment>
            <translation>il a été délivré par une autorité à laquelle cet ordinateur ne fait pas confiance</translation>
        </message>
        <message>
            <source>it is not meant to identify a server</source>
            <comment>certificates.wrong-purpose</comment>
            <translation>il n’est pas destiné à identifier un serveur</translation>
        </message>
        <message>
            <source>{setting} is empty: name the command that prints the key's passphrase</source>
            <comment>clientcert.command-empty</comment>
            <translation>{setting} est vide : indiquez la commande qui affiche la phrase secrète de la clé</translation>
        </message>
        <message>
            <source>{setting} is only used with client_key_password_source command</source>
            <comment>clientcert.command-unused</comment>
            <translation>{setting} ne sert qu’avec client_key_password_source command</translation>
        </message>
        <message>
            <source>{setting} is empty: name a PEM file, or leave it out</source>
            <comment>clientcert.empty</comment>
            <translation>{setting} est vide : indiquez un fichier PEM, ou ne le donnez pas</translation>
        </message>
        <message>
            <source>{file} does not exist</source>
            <comment>clientcert.file-missing</comment>
            <translation>{file} n’existe pas</translation>
        </message>
        <message>
            <source>{file} cannot be read: {reason}</source>
            <comment>clientcert.file-unreadable</comment>
            <translation>{file} ne peut pas être lu : {reason}</translation>
        </message>
        <message>
            <source>the key {key} does not belong to the client certificate {cert}: give the certificate's own key</source>
            <comment>clientcert.key-mismatch</comment>
            <translation>la clé {key} n’appartient pas au certificat client {cert} : donnez la clé propre à ce certificat</translation>
        </message>
        <message>
            <source>{setting} is only used with client_cert (the certificate)</source>
            <comment>clientcert.key-without-cert</comment>
            <translation>{setting} ne sert qu’avec client_cert (le certificat)</translation>
        </message>
        <message>
            <source>a client certificate is shown only over an encrypted connection: use security tls or starttls</source>
            <comment>clientcert.needs-tls</comment>
            <translation>un certificat client n’est présenté que sur une connexion chiffrée : choisissez la sécurité tls ou starttls</translation>
        </message>
        <message>
            <source>{file} holds no certificate in PEM form (a text file starting with -----BEGIN CERTIFICATE-----)</source>
            <comment>clientcert.not-pem-certificate</comment>
            <translation>{file} ne contient aucun certificat au format PEM (un fichier texte qui commence par -----BEGIN CERTIFICATE-----)</translation>
        </message>
        <message>
            <source>{file} holds no private key in PEM form (-----BEGIN PRIVATE KEY----- or the like): give the key's file with --client-key</source>
            <comment>clientcert.not-pem-key</comment>
            <translation>{file} ne contient aucune clé privée au format PEM (-----BEGIN PRIVATE KEY----- ou semblable) : donnez le fichier de la clé avec --client-key</translation>
        </message>
        <message>
            <source>Client certificate offered: {subject}, issued by {issuer}, valid until {until}.</source>
            <comment>clientcert.offered</comment>
            <translation>Certificat client présenté : {subject}, émis par {issuer}, valable jusqu’au {until}.</translation>
        </message>
        <message>
            <source>Client certificate offered: {subject}, issued by {issuer}; it expired on {until}.</source>
            <comment>clientcert.offered-expired</comment>
            <translation>Certificat client présenté : {subject}, émis par {issuer} ; il a expiré le {until}.</translation>
        </message>
        <message>
            <source>the key {key} is encrypted and popgui was given no passphrase for it: add --client-key-password-stdin or --client-key-password-command</source>
            <comment>clientcert.passphrase-needed</comment>
            <translation>la clé {key} est chiffrée et popgui n’a reçu aucune phrase secrète pour elle : ajoutez --client-key-password-stdin ou --client-key-password-command</translation>
        </message>
        <message>
            <source>the passphrase of the key {key} is not at hand: {reason}</source>
            <comment>clientcert.passphrase-unavailable</comment>
            <translation>la phrase secrète de la clé {key} n’est pas disponible : {reason}</translation>
        </message>
        <message>
            <source>the passphrase does not unlock the key {key}</source>
            <comment>clientcert.passphrase-wrong</comment>
            <translation>la phrase secrète ne déverrouille pas la clé {key}</translation>
        </message>
        <message>
            <source>{setting} is only used with client_cert (a certificate whose key is encrypted)</source>
            <comment>clientcert.password-without-cert</comment>
            <translation>{setting} ne sert qu’avec client_cert (un certificat dont la clé est chiffrée)</translation>
        </message>
        <message>
            <source>the server refused it ({alert}); ask its administrator which certificates it accepts</source>
            <comment>clientcert.reason-alert</comment>
            <translation>le serveur l’a refusé ({alert}) ; demandez à son administrateur quels certificats il accepte</translation>
        </message>
        <message>
            <source>the server says it expired</source>
            <comment>clientcert.reason-expired</comment>
            <translation>le serveur indique qu’il a expiré</translation>
        </message>
        <message>
            <source>it expired on {date}</source>
            <comment>clientcert.reason-expired-on</comment>
            <translation>il a expiré le {date}</translation>
        </message>
        <message>
            <source>the server says it has been revoked</source>
            <comment>clientcert.reason-revoked</comment>
            <translation>le serveur indique qu’il a été révoqué</translation>
        </message>
        <message>
            <source>the server said: {reply}</source>
            <comment>clientcert.reason-server-said</comment>
            <translation>le serveur a répondu : {reply}</translation>
        </message>
        <message>
            <source>the server does not trust the authority that issued it ({issuer})</source>
            <comment>clientcert.reason-unknown-ca</comment>
            <translation>le serveur ne fait pas confiance à l’autorité qui l’a émis ({issuer})</translation>
        </message>
        <message>
            <source>the server at {place} did not accept the client certificate {subject} (issued by {issuer}): {reason}</source>
            <comment>clientcert.refused</comment>
            <translation>le serveur {place} n’a pas accepté le certificat client {subject} (émis par {issuer}) : {reason}</translation>
        </message>
        <message>
            <source>the server at {place} asks for a client certificate: give one with --client-cert</source>
            <comment>clientcert.required</comment>
            <translation>le serveur {place} demande un certificat client : donnez-en un avec --client-cert</translation>
        </message>
        <message>
            <source>the client certificate {path}</source>
            <comment>clientcert.the-certificate</comment>
            <translation>le certificat client {path}</translation>
        </message>
        <message>
            <source>the client certificate's key {path}</source>
            <comment>clientcert.the-key</comment>
            <translation>la clé du certificat client {path}</translation>
        </message>
        <message>
            <source>{file} cannot be used: {detail}</source>
            <comment>clientcert.unusable</comment>
            <translation>{file} est inutilisable : {detail}</translation>
        </message>
        <message>
            <source>no reason given</source>
            <comment>core.no-reason</comment>
            <translation>aucune raison donnée</translation>
        </message>
        <message>
            <source>the server refused: {reply}</source>
            <comment>core.server-refused</comment>
            <translation>le serveur a refusé : {reply}</translation>
        </message>
        <message>
            <source>the server refused {command}: {reply}</source>
            <comment>core.server-refused-command</comment>
            <translation>le serveur a refusé {command} : {reply}</translation>
        </message>
        <message>
            <source>[{code}] {text}</source>
            <comment>core.server-reply-code</comment>
            <translation>[{code}] {text}</translation>
        </message>
        <message>
            <source>adopt looks for the mail in the account's Maildir: it cannot go with a destination elsewhere</source>
            <comment>destinations.adopt-with-deliver</comment>
            <translation>adopt cherche le courrier dans le Maildir du compte : il ne va pas avec une destination ailleurs</translation>
        </message>
        <message>
            <source>{port} is not a port number (1 to 65535)</source>
            <comment>destinations.bad-port</comment>
            <translation>{port} n’est pas un numéro de port (1 à 65535)</translation>
        </message>
        <message>
            <source>{value} is not a mail address for the LMTP recipient</source>
            <comment>destinations.bad-recipient</comment>
            <translation>{value} n’est pas une adresse de courrier pour le destinataire LMTP</translation>
        </message>
        <message>
            <source>The destination contains a line break or a NUL character</source>
            <comment>destinations.control-characters</comment>
            <translation>La destination contient un saut de ligne ou un caractère NUL</translation>
        </message>
        <message>
            <source>Delivery to {where} broke off: {reason}</source>
            <comment>destinations.imap-broke</comment>
            <translation>La livraison dans {where} s’est interrompue : {reason}</translation>
        </message>
        <message>
            <source>{place} ended the IMAP session: {reply}</source>
            <comment>destinations.imap-bye</comment>
            <translation>{place} a mis fin à la session IMAP : {reply}</translation>
        </message>
        <message>
            <source>Cannot deliver mail to {where}: {reason}</source>
            <comment>destinations.imap-cannot-deliver</comment>
            <translation>Impossible de livrer le courrier dans {where} : {reason}</translation>
        </message>
        <message>
            <source>the IMAP server sent more data right after agreeing to STARTTLS, before encryption began; popgui stops there, as an attacker on the network could have added it</source>
            <comment>destinations.imap-data-after-starttls</comment>
            <translation>le serveur IMAP a envoyé d’autres données juste après avoir accepté STARTTLS, avant le début du chiffrement ; popgui s’arrête là, car un attaquant sur le réseau a pu les ajouter</translation>
        </message>
        <message>
            <source>{folder} on {host}</source>
            <comment>destinations.imap-folder-on</comment>
            <translation>{folder} sur {host}</translation>
        </message>
        <message>
            <source>The folder {folder} on {host} cannot take mail now (the server said {reply})</source>
            <comment>destinations.imap-folder-unusable</comment>
            <translation>Le dossier {folder} sur {host} ne peut pas recevoir de courrier pour l’instant (le serveur a dit {reply})</translation>
        </message>
        <message>
            <source>the IMAP server sent a reply longer than {limit} octets</source>
            <comment>destinations.imap-line-too-long</comment>
            <translation>le serveur IMAP a envoyé une réponse de plus de {limit} octets</translation>
        </message>
        <message>
            <source>a message changed while it was being sent: {sent} octets instead of {size}</source>
            <comment>destinations.imap-literal-size</comment>
            <translation>un message a changé pendant son envoi : {sent} octets au lieu de {size}</translation>
        </message>
        <message>
            <source>{host} refused to sign in {user} to deliver mail (the server said {reply}): {check}</source>
            <comment>destinations.imap-login-refused</comment>
            <translation>{host} a refusé la connexion de {user} pour livrer le courrier (le serveur a dit {reply}) : {check}</translation>
        </message>
        <message>
            <source>the IMAP server sent a reply popgui cannot read: {reply}</source>
            <comment>destinations.imap-malformed</comment>
            <translation>le serveur IMAP a envoyé une réponse que popgui ne sait pas lire : {reply}</translation>
        </message>
        <message>
            <source>{host} refused the message (the server said {reply})</source>
            <comment>destinations.imap-message-refused</comment>
            <translation>{host} a refusé le message (le serveur a dit {reply})</translation>
        </message>
        <message>
            <source>There is no folder {folder} on {host} (the server said {reply}). popgui does not create folders, so that a typing mistake cannot make one: create it in your mail program, or correct the folder in the destination</source>
            <comment>destinations.imap-no-folder</comment>
            <translation>Il n’y a pas de dossier {folder} sur {host} (le serveur a dit {reply}). popgui ne crée pas de dossiers, pour qu’une faute de frappe ne puisse pas en créer un : créez-le dans votre logiciel de messagerie, ou corrigez le dossier de la destination</translation>
        </message>
        <message>
            <source>the server did not greet as an IMAP server does: {reply}</source>
            <comment>destinations.imap-no-greeting</comment>
            <translation>le serveur n’a pas accueilli popgui comme le fait un serveur IMAP : {reply}</translation>
        </message>
        <message>
            <source>{host} offers no OAuth2 sign-in (OAUTHBEARER or XOAUTH2); it offers {offered}</source>
            <comment>destinations.imap-no-oauth</comment>
            <translation>{host} ne propose pas de connexion OAuth2 (OAUTHBEARER ou XOAUTH2) ; il propose {offered}</translation>
        </message>
        <message>
            <source>{host} offers no way to sign in with a password here: it refuses LOGIN (LOGINDISABLED) and offers no AUTHENTICATE PLAIN (it offers {offered})</source>
            <comment>destinations.imap-no-sign-in</comment>
            <translation>{host} ne permet pas ici de se connecter avec un mot de passe : il refuse LOGIN (LOGINDISABLED) et ne propose pas AUTHENTICATE PLAIN (il propose {offered})</translation>
        </message>
        <message>
            <source>{host} does not offer STARTTLS, so the password of {user} would travel unencrypted: popgui did not send it. Use imaps://… if the server has it, or allow clear text (deliver_security none) only on a network you trust</source>
            <comment>destinations.imap-no-tls</comment>
            <translation>{host} ne propose pas STARTTLS, le mot de passe de {user} circulerait donc en clair : popgui ne l’a pas envoyé. Utilisez imaps://… si le serveur le propose, ou n’autorisez le texte en clair (deliver_security none) que sur un réseau de confiance</translation>
        </message>
        <message>
            <source>{text} names no user: write imap://USER@HOST/FOLDER (or imaps://…)</source>
            <comment>destinations.imap-no-user</comment>
            <translation>{text} ne nomme pas d’utilisateur : écrivez imap://UTILISATEUR@SERVEUR/DOSSIER (ou imaps://…)</translation>
        </message>
        <message>
            <source>the IMAP server sent {value} where a number belongs</source>
            <comment>destinations.imap-not-a-number</comment>
            <translation>le serveur IMAP a envoyé {value} là où il faut un nombre</translation>
        </message>
        <message>
            <source>{host} did not understand popgui's {command} (the server said {reply})</source>
            <comment>destinations.imap-not-understood</comment>
            <translation>{host} n’a pas compris la commande {command} de popgui (le serveur a dit {reply})</translation>
        </message>
        <message>
            <source>nothing</source>
            <comment>destinations.imap-nothing-offered</comment>
            <translation>rien</translation>
        </message>
        <message>
            <source>{host} signed in before the connection could be encrypted (PREAUTH), so mail would travel unencrypted. Use imaps://…, or allow clear text (deliver_security none) only on a network you trust</source>
            <comment>destinations.imap-preauth-clear</comment>
            <translation>{host} a ouvert la session avant que la connexion puisse être chiffrée (PREAUTH), le courrier circulerait donc en clair. Utilisez imaps://…, ou n’autorisez le texte en clair (deliver_security none) que sur un réseau de confiance</translation>
        </message>
        <message>
            <source>{place} closed the IMAP connection without a word</source>
            <comment>destinations.imap-server-closed</comment>
            <translation>{place} a fermé la connexion IMAP sans un mot</translation>
        </message>
        <message>
            <source>The message is {size} octets, more than the {limit} octets {host} accepts</source>
            <comment>destinations.imap-too-big</comment>
            <translation>Le message fait {size} octets, plus que les {limit} octets qu’accepte {host}</translation>
        </message>
        <message>
            <source>{host} asks to try again later (the server said {reply})</source>
            <comment>destinations.imap-try-later</comment>
            <translation>{host} demande de réessayer plus tard (le serveur a dit {reply})</translation>
        </message>
        <message>
            <source>the IMAP server asked for more of a command that was complete</source>
            <comment>destinations.imap-unexpected-continuation</comment>
            <translation>le serveur IMAP a demandé la suite d’une commande déjà complète</translation>
        </message>
        <message>
            <source>the LMTP server {place}</source>
            <comment>destinations.lmtp-at</comment>
            <translation>le serveur LMTP {place}</translation>
        </message>
        <message>
            <source>The LMTP server {place} closed the connection unexpectedly</source>
            <comment>destinations.lmtp-closed</comment>
            <translation>Le serveur LMTP {place} a fermé la connexion de façon inattendue</translation>
        </message>
        <message>
            <source>The LMTP server {place} is closing the connection: {reply}</source>
            <comment>destinations.lmtp-closing</comment>
            <translation>Le serveur LMTP {place} ferme la connexion : {reply}</translation>
        </message>
        <message>
            <source>The LMTP server {place} refused {command}: {reply}</source>
            <comment>destinations.lmtp-command-refused</comment>
            <translation>Le serveur LMTP {place} a refusé {command} : {reply}</translation>
        </message>
        <message>
            <source>The LMTP server {place} sent a reply popgui cannot read: {line}</source>
            <comment>destinations.lmtp-malformed</comment>
            <translation>Le serveur LMTP {place} a envoyé une réponse que popgui ne sait pas lire : {line}</translation>
        </message>
        <message>
            <source>The LMTP server {place} does not offer STARTTLS: popgui sends mail to another computer in clear text only when the destination's security is set to none</source>
            <comment>destinations.lmtp-no-starttls</comment>
            <translation>Le serveur LMTP {place} ne propose pas STARTTLS : popgui n’envoie du courrier en clair vers un autre ordinateur que si la sécurité de la destination est réglée sur aucune</translation>
        </message>
        <message>
            <source>The LMTP server {place} does not take mail now: {reply}</source>
            <comment>destinations.lmtp-not-ready</comment>
            <translation>Le serveur LMTP {place} ne reçoit pas de courrier maintenant : {reply}</translation>
        </message>
        <message>
            <source>The LMTP server {place} refused the message: {reply}</source>
            <comment>destinations.lmtp-refused</comment>
            <translation>Le serveur LMTP {place} a refusé le message : {reply}</translation>
        </message>
        <message>
            <source>The LMTP socket {path} must be a full path (lmtp:/run/dovecot/lmtp)</source>
            <comment>destinations.lmtp-socket-not-absolute</comment>
            <translation>Le socket LMTP {path} doit être un chemin complet (lmtp:/run/dovecot/lmtp)</translation>
        </message>
        <message>
            <source>The LMTP server {place} sent a reply longer than {limit} octets, which LMTP does not allow</source>
            <comment>destinations.lmtp-too-long</comment>
            <translation>Le serveur LMTP {place} a envoyé une réponse de plus de {limit} octets, ce que LMTP n’autorise pas</translation>
        </message>
        <message>
            <source>The LMTP server {place} asks to try later: {reply}</source>
            <comment>destinations.lmtp-try-later</comment>
            <translation>Le serveur LMTP {place} demande de réessayer plus tard : {reply}</translation>
        </message>
        <message>
            <source>The LMTP server cannot take mail now: {reason}</source>
            <comment>destinations.lmtp-unavailable</comment>
            <translation>Le serveur LMTP ne peut pas recevoir de courrier maintenant : {reason}</translation>
        </message>
        <message>
            <source>The LMTP server {place} answered {command} with {reply}, which LMTP does not allow</source>
            <comment>destinations.lmtp-unexpected</comment>
            <translation>Le serveur LMTP {place} a répondu à {command} par {reply}, ce que LMTP n’autorise pas</translation>
        </message>
        <message numerus="yes">
            <source>{path} is being written by another program (waited {count} second(s)): try again when it has finished</source>
            <comment>destinations.mbox-busy</comment>
            <translation>
                <numerusform>{path} est en cours d’écriture par un autre programme (attente de {count} seconde) : réessayez quand il aura fini</numerusform>
                <numerusform>{path} est en cours d’écriture par un autre programme (attente de {count} secondes) : réessayez quand il aura fini</numerusform>
            </translation>
        </message>
        <message>
            <source>Cannot lock the mbox file {path} (the lock file {lock}): {reason}</source>
            <comment>destinations.mbox-cannot-lock</comment>
            <translation>Impossible de verrouiller le fichier mbox {path} (le fichier de verrou {lock}) : {reason}</translation>
        </message>
        <message>
            <source>Cannot open the mbox file {path}: {reason}</source>
            <comment>destinations.mbox-cannot-open</comment>
            <translation>Impossible d’ouvrir le fichier mbox {path} : {reason}</translation>
        </message>
        <message>
            <source>Cannot read the mbox file {path}: {reason}</source>
            <comment>destinations.mbox-cannot-read</comment>
            <translation>Impossible de lire le fichier mbox {path} : {reason}</translation>
        </message>
        <message>
            <source>The mbox file {path} holds a half-written message from an interrupted delivery at byte {offset}, and another program has written after it: popgui changed nothing. Remove the damaged part (from byte {offset} to the next line starting with "From ") with a mail program or an editor, then sync again</source>
            <comment>destinations.mbox-damaged</comment>
            <translation>Le fichier mbox {path} contient, à l’octet {offset}, un message à moitié écrit par une livraison interrompue, et un autre programme a écrit après lui : popgui n’a rien modifié. Supprimez la partie abîmée (de l’octet {offset} jusqu’à la ligne suivante commençant par « From ») avec un logiciel de courrier ou un éditeur, puis relancez la synchronisation</translation>
        </message>
        <message>
            <source>mbox: needs a file (mbox:~/mail/inbox.mbox)</source>
            <comment>destinations.mbox-empty</comment>
            <translation>mbox: demande un fichier (mbox:~/mail/inbox.mbox)</translation>
        </message>
        <message>
            <source>the mbox file {path}</source>
            <comment>destinations.mbox-file</comment>
            <translation>le fichier mbox {path}</translation>
        </message>
        <message>
            <source>The mbox file {path} changed while popgui held its lock (it is {size} bytes, popgui expected {expected}): nothing was written</source>
            <comment>destinations.mbox-file-changed</comment>
            <translation>Le fichier mbox {path} a changé alors que popgui le tenait verrouillé (il fait {size} octets, popgui en attendait {expected}) : rien n’a été écrit</translation>
        </message>
        <message>
            <source>{path} is a folder: the mbox destination needs a file (mbox:{path}/inbox.mbox, say)</source>
            <comment>destinations.mbox-is-folder</comment>
            <translation>{path} est un dossier : la destination mbox demande un fichier (mbox:{path}/inbox.mbox, par exemple)</translation>
        </message>
        <message>
            <source>The downloaded message {uid} changed while it was written to {path}: the batch was taken out again</source>
            <comment>destinations.mbox-message-changed</comment>
            <translation>Le message téléchargé {uid} a changé pendant son écriture dans {path} : le lot a été retiré</translation>
        </message>
        <message>
            <source>{path} is not a regular file: popgui writes mail only into an mbox file</source>
            <comment>destinations.mbox-not-a-file</comment>
            <translation>{path} n’est pas un fichier ordinaire : popgui n’écrit le courrier que dans un fichier mbox</translation>
        </message>
        <message>
            <source>{path} is not an mbox file (it does not start with a "From " line): popgui leaves it as it is; name a new file or an existing mbox</source>
            <comment>destinations.mbox-not-mbox</comment>
            <translation>{path} n’est pas un fichier mbox (il ne commence pas par une ligne « From ») : popgui le laisse tel quel ; indiquez un nouveau fichier ou un mbox existant</translation>
        </message>
        <message>
            <source>Could not write to the mbox file {path} ({reason}), nor cut it back to {size} bytes ({rollback}): the end of the file may hold a half message after byte {size}</source>
            <comment>destinations.mbox-rollback-failed</comment>
            <translation>Impossible d’écrire dans le fichier mbox {path} ({reason}), ni de le ramener à {size} octets ({rollback}) : la fin du fichier peut contenir un message à moitié écrit après l’octet {size}</translation>
        </message>
        <message>
            <source>Cannot read the downloaded message {uid} to write it to the mbox file: {reason}</source>
            <comment>destinations.mbox-spool-unreadable</comment>
            <translation>Impossible de lire le message téléchargé {uid} pour l’écrire dans le fichier mbox : {reason}</translation>
        </message>
        <message>
            <source>Could not write to the mbox file {path}: {reason}. The messages of this batch were taken out again and stay on the server</source>
            <comment>destinations.mbox-write-failed</comment>
            <translation>Impossible d’écrire dans le fichier mbox {path} : {reason}. Les messages de ce lot ont été retirés et restent sur le serveur</translation>
        </message>
        <message>
            <source>The command {command} cannot be read: {reason}</source>
            <comment>destinations.mda-bad-command</comment>
            <translation>La commande {command} est illisible : {reason}</translation>
        </message>
        <message>
            <source>mda: needs a command (mda:/usr/bin/procmail)</source>
            <comment>destinations.mda-empty</comment>
            <translation>mda: demande une commande (mda:/usr/bin/procmail)</translation>
        </message>
        <message>
            <source>The program {command} failed with exit status {status}: {stderr}</source>
            <comment>destinations.mda-failed</comment>
            <translation>Le programme {command} a échoué avec le code de sortie {status} : {stderr}</translation>
        </message>
        <message>
            <source>The program {command} was ended by signal {signal}: {stderr}</source>
            <comment>destinations.mda-killed</comment>
            <translation>Le programme {command} a été arrêté par le signal {signal} : {stderr}</translation>
        </message>
        <message>
            <source>it wrote no error message</source>
            <comment>destinations.mda-no-stderr</comment>
            <translation>il n’a écrit aucun message d’erreur</translation>
        </message>
        <message>
            <source>The program {program} cannot be run: it is not an executable file</source>
            <comment>destinations.mda-not-executable</comment>
            <translation>Le programme {program} ne peut pas être lancé : ce n’est pas un fichier exécutable</translation>
        </message>
        <message>
            <source>The program {program} does not exist</source>
            <comment>destinations.mda-not-found</comment>
            <translation>Le programme {program} n’existe pas</translation>
        </message>
        <message>
            <source>The program {program} is not in any folder of PATH: write its full path</source>
            <comment>destinations.mda-not-in-path</comment>
            <translation>Le programme {program} ne se trouve dans aucun dossier du PATH : indiquez son chemin complet</translation>
        </message>
        <message>
            <source>The program {command} could not be started: {reason}</source>
            <comment>destinations.mda-start-failed</comment>
            <translation>Le programme {command} n’a pas pu être lancé : {reason}</translation>
        </message>
        <message>
            <source>The program {command} took longer than {seconds} and was stopped</source>
            <comment>destinations.mda-timed-out</comment>
            <translation>Le programme {command} a pris plus de {seconds} et a été arrêté</translation>
        </message>
        <message>
            <source>The program {command} asks to try later (exit status 75): {stderr}</source>
            <comment>destinations.mda-try-later</comment>
            <translation>Le programme {command} demande de réessayer plus tard (code de sortie 75) : {stderr}</translation>
        </message>
        <message>
            <source>{text} names no server</source>
            <comment>destinations.no-host</comment>
            <translation>{text} ne nomme pas de serveur</translation>
        </message>
        <message>
            <source>A destination that signs in with OAuth2 keeps its tokens in the keyring: it takes no password command or file</source>
            <comment>destinations.oauth-no-password</comment>
            <translation>Une destination qui se connecte avec OAuth2 garde ses jetons dans le trousseau : elle ne prend ni commande ni fichier de mot de passe</translation>
        </message>
        <message>
            <source>{setting} is only for a destination {kinds}</source>
            <comment>destinations.only-for</comment>
            <translation>{setting} ne sert qu’à une destination {kinds}</translation>
        </message>
        <message>
            <source>The destination's password comes from a command, but no command is given</source>
            <comment>destinations.password-command-empty</comment>
            <translation>Le mot de passe de la destination vient d’une commande, mais aucune commande n’est donnée</translation>
        </message>
        <message>
            <source>deliver_password_command is set but the destination's password does not come from a command</source>
            <comment>destinations.password-command-unused</comment>
            <translation>deliver_password_command est défini mais le mot de passe de la destination ne vient pas d’une commande</translation>
        </message>
        <message>
            <source>The destination's password could not be found: {reason}</source>
            <comment>destinations.password-unavailable</comment>
            <translation>Le mot de passe de la destination est introuvable : {reason}</translation>
        </message>
        <message>
            <source>A POP2 account delivers into its Maildir only: POP2 gives no message ids to deliver elsewhere exactly once</source>
            <comment>destinations.pop2-deliver</comment>
            <translation>Un compte POP2 ne livre que dans son Maildir : POP2 ne donne pas d’identifiants de message pour livrer ailleurs exactement une fois</translation>
        </message>
        <message>
            <source>the program {command}</source>
            <comment>destinations.program</comment>
            <translation>le programme {command}</translation>
        </message>
        <message>
            <source>Signing in to the destination failed: {reason}</source>
            <comment>destinations.sign-in-failed</comment>
            <translation>La connexion à la destination a échoué : {reason}</translation>
        </message>
        <message>
            <source>Sign in to the destination first: popgui account login {account} --deliver (or Sign in in the account's settings)</source>
            <comment>destinations.sign-in-required</comment>
            <translation>Connectez-vous d’abord à la destination : popgui account login {account} --deliver (ou Se connecter dans les réglages du compte)</translation>
        </message>
        <message>
            <source>The program's time limit must be between 1 and {high} seconds, not {value}</source>
            <comment>destinations.timeout-range</comment>
            <translation>Le délai du programme doit être compris entre 1 et {high} secondes, pas {value}</translation>
        </message>
        <message>
            <source>{text} is not a destination popgui knows: it starts with one of {schemes}</source>
            <comment>destinations.unknown-scheme</comment>
            <translation>{text} n’est pas une destination que popgui connaît : elle commence par l’un de {schemes}</translation>
        </message>
        <message>
            <source>This is a popgui bug; please report it with the output of --debug</source>
            <comment>hints.bug</comment>
            <translation>C’est un bogue de popgui ; merci de le signaler avec la sortie de --debug</translation>
        </message>
        <message>
            <source>Free some disk space or fix the folder's permissions; nothing was deleted on the server</source>
            <comment>hints.disk</comment>
            <translation>Libérez de l’espace disque ou corrigez les droits du dossier ; rien n’a été supprimé sur le serveur</translation>
        </message>
        <message>
            <source>Fix the password with `popgui account add NAME ... --password-stdin --replace`</source>
            <comment>hints.fix-password</comment>
            <translation>Corrigez le mot de passe avec `popgui account add NOM ... --password-stdin --replace`</translation>
        </message>
        <message>
            <source>Nothing was lost; the next sync carries on where this one stopped</source>
            <comment>hints.network</comment>
            <translation>Rien n’a été perdu ; la prochaine relève reprendra là où celle-ci s’est arrêtée</translation>
        </message>
        <message>
            <source>The server misbehaved; nothing that is not safely stored here was deleted on it, and the next sync will try again</source>
            <comment>hints.server-misbehaved</comment>
            <translation>Le serveur s’est mal comporté ; rien de ce qui n’est pas déjà en sûreté ici n’y a été supprimé, et la prochaine relève réessaiera</translation>
        </message>
        <message>
            <source>If you are sure this is your server, trust this exact certificate with --fingerprint {fingerprint}</source>
            <comment>hints.trust-certificate</comment>
            <translation>Si vous êtes sûr qu’il s’agit de votre serveur, faites confiance à ce certificat précis avec --fingerprint {fingerprint}</translation>
        </message>
        <message>
            <source>The server asks to try again later; nothing was lost</source>
            <comment>hints.try-later</comment>
            <translation>Le serveur demande de réessayer plus tard ; rien n’a été perdu</translation>
        </message>
        <message>
            <source>{error}. {hint}</source>
            <comment>hints.with-hint</comment>
            <translation>{error}. {hint}</translation>
        </message>
        <message>
            <source>Could not read {path}: {reason}</source>
            <comment>imports.cannot-read</comment>
            <translation>impossible de lire {path} : {reason}</translation>
        </message>
        <message>
            <source>a fetchmail .fetchids file: lines "USER@HOST UIDL"</source>
            <comment>imports.fetchmail-expected</comment>
            <translation>un fichier .fetchids de fetchmail : des lignes « USER@HOST UIDL »</translation>
        </message>
        <message>
            <source>a getmail file named oldmail-HOST-PORT-USER, with lines "UIDL", a NUL, a time</source>
            <comment>imports.getmail-expected</comment>
            <translation>un fichier de getmail nommé oldmail-HOST-PORT-USER, fait de lignes « UIDL », un caractère NUL, une heure</translation>
        </message>
        <message>
            <source>{path} is cut short or damaged: its list for {user} at {host} announces {announced} UIDLs but holds {found}; nothing was imported</source>
            <comment>imports.list-cut-short</comment>
            <translation>{path} est tronqué ou abîmé : sa liste pour {user} sur {host} annonce {announced} UIDL mais en contient {found} ; rien n’a été importé</translation>
        </message>
        <message numerus="yes">
            <source>{entries} and {count} more</source>
            <comment>imports.more-entries</comment>
            <translation>
                <numerusform>{entries} et {count} autre</numerusform>
                <numerusform>{entries} et {count} autres</numerusform>
            </translation>
        </message>
        <message>
            <source>an mpop UIDLs file: comment lines starting with #, then lists opened by lines " COUNT HOST USER"</source>
            <comment>imports.mpop-expected</comment>
            <translation>un fichier d’UIDL de mpop : des lignes de commentaire commençant par #, puis des listes ouvertes par des lignes « COUNT HOST USER » précédées d’une espace</translation>
        </message>
        <message>
            <source>none</source>
            <comment>imports.no-entries-at-all</comment>
            <translation>aucune</translation>
        </message>
        <message>
            <source>{path} has no entry for {user} at {host}; it has: {entries}; nothing was imported</source>
            <comment>imports.no-entry</comment>
            <translation>{path} n’a aucune entrée pour {user} sur {host} ; il contient : {entries} ; rien n’a été importé</translation>
        </message>
        <message>
            <source>there is no file {path}</source>
            <comment>imports.no-such-file</comment>
            <translation>le fichier {path} n’existe pas</translation>
        </message>
        <message>
            <source>{path} is not {expected}; nothing was imported</source>
            <comment>imports.not-of-kind</comment>
            <translation>{path} n’est pas {expected} ; rien n’a été importé</translation>
        </message>
        <message>
            <source>a Thunderbird popstate.dat: the line "# POP3 State File", then "*HOST USER" lines and "FLAG UIDL TIME" lines</source>
            <comment>imports.thunderbird-expected</comment>
            <translation>un popstate.dat de Thunderbird : la ligne « # POP3 State File », puis des lignes « *HOST USER » et des lignes « FLAG UIDL TIME »</translation>
        </message>
        <message>
            <source>{path} holds more than {limit} UIDLs for {user} at {host}, more than any mailbox popgui can take in one import; nothing was imported</source>
            <comment>imports.too-many</comment>
            <translation>{path} contient plus de {limit} UIDL pour {user} sur {host}, plus qu’aucune boîte aux lettres que popgui puisse prendre en un import ; rien n’a été importé</translation>
        </message>
        <message>
            <source>the mail server's Kerberos security-layer offer is not 4 bytes long (RFC 4752)</source>
            <comment>kerberos.bad-layer-message</comment>
            <translation>l’offre de couche de sécurité Kerberos du serveur de messagerie ne fait pas 4 octets (RFC 4752)</translation>
        </message>
        <message>
            <source>the Kerberos realm no longer knows {principal}: ask the administrator, then run kinit again</source>
            <comment>kerberos.client-unknown</comment>
            <translation>le royaume Kerberos ne connaît plus {principal} : demandez à l’administrateur, puis relancez kinit</translation>
        </message>
        <message>
            <source>this computer's clock is too far from the Kerberos server's (Kerberos allows about 5 minutes): set the date, time and time zone right, or turn on automatic time, then try again</source>
            <comment>kerberos.clock-skew</comment>
            <translation>l’horloge de cet ordinateur est trop loin de celle du serveur Kerberos (Kerberos tolère environ 5 minutes) : réglez la date, l’heure et le fuseau horaire, ou activez l’heure automatique, puis réessayez</translation>
        </message>
        <message>
            <source>the mail server went on with the Kerberos exchange after it was complete</source>
            <comment>kerberos.exchange-too-long</comment>
            <translation>le serveur de messagerie a poursuivi l’échange Kerberos après sa fin</translation>
        </message>
        <message>
            <source>the Kerberos server of realm {realm} does not answer: check the network connection (a VPN may be needed outside the office), then try again</source>
            <comment>kerberos.kdc-unreachable</comment>
            <translation>le serveur Kerberos du royaume {realm} ne répond pas : vérifiez la connexion au réseau (hors du bureau, un VPN peut être nécessaire), puis réessayez</translation>
        </message>
        <message>
            <source>signing in with Kerberos needs the Python package gssapi, which is not installed: install it with pip install 'popgui[kerberos]' (on Debian and Ubuntu it builds against the libkrb5-dev package; on Fedora, krb5-devel)</source>
            <comment>kerberos.needs-package</comment>
            <translation>se connecter avec Kerberos demande le paquet Python gssapi, qui n’est pas installé : installez-le avec pip install 'popgui[kerberos]' (sous Debian et Ubuntu, il se compile avec le paquet libkrb5-dev ; sous Fedora, krb5-devel)</translation>
        </message>
        <message>
            <source>GSSAPI (Kerberos) needs a Kerberos ticket on this computer (run kinit) and the Python package gssapi (pip install 'popgui[kerberos]')</source>
            <comment>kerberos.needs-ticket-here</comment>
            <translation>GSSAPI (Kerberos) demande un ticket Kerberos sur cet ordinateur (lancez kinit) et le paquet Python gssapi (pip install 'popgui[kerberos]')</translation>
        </message>
        <message>
            <source>the mail server's Kerberos security-layer offer does not allow a connection without a layer, which popgui uses (RFC 4752); it offered {offer}</source>
            <comment>kerberos.no-layer-offer</comment>
            <translation>l’offre de couche de sécurité Kerberos du serveur de messagerie ne permet pas de connexion sans couche, ce que popgui utilise (RFC 4752) ; il a proposé {offer}</translation>
        </message>
        <message>
            <source>no Kerberos ticket for {realm}: run kinit {user}, or sign in to your desktop's Kerberos</source>
            <comment>kerberos.no-ticket</comment>
            <translation>aucun ticket Kerberos pour {realm} : lancez kinit {user}, ou connectez-vous au Kerberos de votre bureau</translation>
        </message>
        <message>
            <source>no Kerberos ticket: run kinit {user}, or sign in to your desktop's Kerberos</source>
            <comment>kerberos.no-ticket-any-realm</comment>
            <translation>aucun ticket Kerberos : lancez kinit {user}, ou connectez-vous au Kerberos de votre bureau</translation>
        </message>
        <message>
            <source>none: run kinit {user} before a sync</source>
            <comment>kerberos.no-ticket-now</comment>
            <translation>aucun : lancez kinit {user} avant une synchronisation</translation>
        </message>
        <message>
            <source>the mail server accepted the Kerberos sign-in before the exchange was complete</source>
            <comment>kerberos.not-finished</comment>
            <translation>le serveur de messagerie a accepté la connexion Kerberos avant la fin de l’échange</translation>
        </message>
        <message>
            <source>POP2 servers cannot sign in with Kerberos; only POP3 servers that offer GSSAPI can</source>
            <comment>kerberos.not-for-pop2</comment>
            <translation>les serveurs POP2 ne savent pas se connecter avec Kerberos ; seuls les serveurs POP3 qui proposent GSSAPI le peuvent</translation>
        </message>
        <message>
            <source>Kerberos sign-in failed: {detail}</source>
            <comment>kerberos.other-failure</comment>
            <translation>la connexion Kerberos a échoué : {detail}</translation>
        </message>
        <message>
            <source>the mail service {service} is in the Kerberos realm {other}, and your ticket's realm {mine} has no trust with it: get a ticket of {other} (kinit NAME@{other}), or ask the administrator</source>
            <comment>kerberos.other-realm</comment>
            <translation>le service de messagerie {service} est dans le royaume Kerberos {other}, et le royaume de votre ticket, {mine}, n’a pas de relation de confiance avec lui : obtenez un ticket de {other} (kinit NOM@{other}), ou demandez à l’administrateur</translation>
        </message>
        <message>
            <source>check that the Kerberos ticket's owner ({principal}) may read the mailbox of {user}: the user name in the account may need to be the name before the @ of the ticket</source>
            <comment>kerberos.refused-check</comment>
            <translation>vérifiez que le propriétaire du ticket Kerberos ({principal}) peut lire la boîte de {user} : le nom d’utilisateur du compte doit peut-être être la partie du ticket avant le @</translation>
        </message>
        <message>
            <source>the mail server did not prove that it is {service} (Kerberos mutual authentication failed): the connection may be intercepted; nothing was sent</source>
            <comment>kerberos.server-not-proven</comment>
            <translation>le serveur de messagerie n’a pas prouvé qu’il est {service} (l’authentification mutuelle Kerberos a échoué) : la connexion est peut-être interceptée ; rien n’a été envoyé</translation>
        </message>
        <message>
            <source>signed in with Kerberos as {principal}</source>
            <comment>kerberos.signed-in-as</comment>
            <translation>connecté avec Kerberos en tant que {principal}</translation>
        </message>
        <message>
            <source>your Kerberos ticket has expired: run kinit {user} to get a new one, or sign in to your desktop's Kerberos again</source>
            <comment>kerberos.ticket-expired</comment>
            <translation>votre ticket Kerberos a expiré : lancez kinit {user} pour en obtenir un nouveau, ou reconnectez-vous au Kerberos de votre bureau</translation>
        </message>
        <message>
            <source>expired: run kinit {user}</source>
            <comment>kerberos.ticket-expired-now</comment>
            <translation>expiré : lancez kinit {user}</translation>
        </message>
        <message>
            <source>GSSAPI signs in with your Kerberos ticket; your ticket: {ticket}.</source>
            <comment>kerberos.ticket-note</comment>
            <translation>GSSAPI se connecte avec votre ticket Kerberos ; votre ticket : {ticket}.</translation>
        </message>
        <message>
            <source>{principal}, valid until {expires}</source>
            <comment>kerberos.ticket-of</comment>
            <translation>{principal}, valable jusqu’au {expires}</translation>
        </message>
        <message>
            <source>{principal}</source>
            <comment>kerberos.ticket-of-unknown-end</comment>
            <translation>{principal}</translation>
        </message>
        <message>
            <source>this computer does not know where to find the Kerberos server of realm {realm}: the realm's name may be misspelt, or this computer's Kerberos settings (/etc/krb5.conf) lack it</source>
            <comment>kerberos.unknown-realm</comment>
            <translation>cet ordinateur ne sait pas où trouver le serveur Kerberos du royaume {realm} : le nom du royaume est peut-être mal écrit, ou les réglages Kerberos de cet ordinateur (/etc/krb5.conf) ne le contiennent pas</translation>
        </message>
        <message>
            <source>this computer does not know which Kerberos realm {host} belongs to: its Kerberos settings (/etc/krb5.conf) need a domain_realm line for it</source>
            <comment>kerberos.unknown-realm-of-host</comment>
            <translation>cet ordinateur ne sait pas à quel royaume Kerberos appartient {host} : ses réglages Kerberos (/etc/krb5.conf) ont besoin d’une ligne domain_realm pour lui</translation>
        </message>
        <message>
            <source>the mail server sent its Kerberos security-layer offer without integrity protection</source>
            <comment>kerberos.unprotected-layer-message</comment>
            <translation>le serveur de messagerie a envoyé son offre de couche de sécurité Kerberos sans protection d’intégrité</translation>
        </message>
        <message>
            <source>the Kerberos realm does not know the mail service {service}: check that the server's name is the one its administrator gave (often the full name, such as mail.example.org), or ask the administrator to add {service} to the realm</source>
            <comment>kerberos.wrong-service</comment>
            <translation>le royaume Kerberos ne connaît pas le service de messagerie {service} : vérifiez que le nom du serveur est celui que son administrateur a donné (souvent le nom complet, comme mail.example.org), ou demandez à l’administrateur d’ajouter {service} au royaume</translation>
        </message>
        <message>
            <source>Either give the account a password command (`--password-command`, e.g. `pass show mail/work`), or install and unlock a keyring: gnome-keyring or KWallet on Linux (a Secret Service provider on the session D-Bus). See https://pypi.org/project/keyring/ for the supported backends.</source>
            <comment>keyring.alternatives</comment>
            <translation>Donnez au compte une commande de mot de passe (`--password-command`, par exemple `pass show mail/work`), ou installez et déverrouillez un trousseau : gnome-keyring ou KWallet sous Linux (un fournisseur Secret Service sur le D-Bus de la session). Voir https://pypi.org/project/keyring/ pour les trousseaux pris en charge.</translation>
        </message>
        <message>
            <source>{command} failed (exit status {status})</source>
            <comment>keyring.command-failed</comment>
            <translation>{command} a échoué (code de sortie {status})</translation>
        </message>
        <message>
            <source>{command} was killed by signal {signal}</source>
            <comment>keyring.command-killed</comment>
            <translation>{command} a été tuée par le signal {signal}</translation>
        </message>
        <message>
            <source>{command} could not be started: {reason}</source>
            <comment>keyring.command-not-started</comment>
            <translation>{command} n’a pas pu être lancée : {reason}</translation>
        </message>
        <message>
            <source>{command} printed something that is not UTF-8 text</source>
            <comment>keyring.command-not-utf8</comment>
            <translation>{command} a affiché autre chose que du texte UTF-8</translation>
        </message>
        <message>
            <source>{command} printed nothing</source>
            <comment>keyring.command-nothing</comment>
            <translation>{command} n’a rien affiché</translation>
        </message>
        <message>
            <source>{command} printed nothing; it said: {output}</source>
            <comment>keyring.command-nothing-said</comment>
            <translation>{command} n’a rien affiché ; elle a dit : {output}</translation>
        </message>
        <message>
            <source>the password command of account {account}</source>
            <comment>keyring.command-of</comment>
            <translation>la commande du mot de passe du compte {account}</translation>
        </message>
        <message>
            <source>the output of {command}</source>
            <comment>keyring.command-output</comment>
            <translation>la sortie de {command}</translation>
        </message>
        <message>
            <source>{error}: {output}</source>
            <comment>keyring.command-said</comment>
            <translation>{error} : {output}</translation>
        </message>
        <message>
            <source>{command} did not finish within {seconds} seconds</source>
            <comment>keyring.command-timeout</comment>
            <translation>{command} ne s’est pas terminée en {seconds} secondes</translation>
        </message>
        <message>
            <source>the keyring could not delete the password for account {account}: {detail}. {alternatives}</source>
            <comment>keyring.delete-failed</comment>
            <translation>le trousseau n’a pas pu supprimer le mot de passe du compte {account} : {detail}. {alternatives}</translation>
        </message>
        <message>
            <source>account {account}: no profile to keep its password in</source>
            <comment>keyring.file-no-profile</comment>
            <translation>compte {account} : aucun profil où garder son mot de passe</translation>
        </message>
        <message>
            <source>{file} cannot be read: {reason}</source>
            <comment>keyring.file-not-read</comment>
            <translation>{file} ne peut pas être lu : {reason}</translation>
        </message>
        <message>
            <source>{file} could not be removed: {reason}</source>
            <comment>keyring.file-not-removed</comment>
            <translation>{file} n’a pas pu être supprimé : {reason}</translation>
        </message>
        <message>
            <source>{file} does not hold UTF-8 text</source>
            <comment>keyring.file-not-utf8</comment>
            <translation>{file} ne contient pas de texte UTF-8</translation>
        </message>
        <message>
            <source>the password of account {account} could not be written to {path}: {reason}</source>
            <comment>keyring.file-not-written</comment>
            <translation>le mot de passe du compte {account} n’a pas pu être écrit dans {path} : {reason}</translation>
        </message>
        <message>
            <source>{file} can be read by other users, so it is not used: make it readable only by you (chmod 600) or store the password again</source>
            <comment>keyring.file-readable-by-others</comment>
            <translation>{file} est lisible par d’autres utilisateurs, il n’est donc pas utilisé : rendez-le lisible par vous seul (chmod 600) ou enregistrez de nouveau le mot de passe</translation>
        </message>
        <message>
            <source>the keyring is locked, so the password for account {account} cannot be used: unlock it (log in to the desktop, or open your keyring manager) and try again</source>
            <comment>keyring.locked</comment>
            <translation>le trousseau est verrouillé, le mot de passe du compte {account} est donc inutilisable : déverrouillez-le (ouvrez une session sur le bureau, ou ouvrez votre gestionnaire de trousseau) et réessayez</translation>
        </message>
        <message>
            <source>account {account} has no password command</source>
            <comment>keyring.no-command</comment>
            <translation>le compte {account} n’a pas de commande de mot de passe</translation>
        </message>
        <message>
            <source>account {account} takes its password from its password command; nothing is stored in the keyring</source>
            <comment>keyring.not-keyring-account</comment>
            <translation>le compte {account} prend son mot de passe de sa commande de mot de passe ; rien n’est enregistré dans le trousseau</translation>
        </message>
        <message>
            <source>no password stored for account {account} ({user} at {host}); run `popgui account add` again with `--password-stdin`, or enter the password in the account window</source>
            <comment>keyring.not-stored</comment>
            <translation>aucun mot de passe enregistré pour le compte {account} ({user} sur {host}) ; relancez `popgui account add` avec `--password-stdin`, ou saisissez le mot de passe dans la fenêtre du compte</translation>
        </message>
        <message>
            <source>no password stored for account {account} ({user} at {host}); enter it in the account window, or run `popgui account add` again with `--password-stdin --password-in-file`</source>
            <comment>keyring.not-stored-in-file</comment>
            <translation>aucun mot de passe enregistré pour le compte {account} ({user} sur {host}) ; saisissez-le dans la fenêtre du compte, ou relancez `popgui account add` avec `--password-stdin --password-in-file`</translation>
        </message>
        <message>
            <source>{what} contains a line break or a NUL character, which POP cannot send</source>
            <comment>keyring.password-bad-character</comment>
            <translation>{what} contient un saut de ligne ou un caractère NUL, que POP ne peut pas envoyer</translation>
        </message>
        <message>
            <source>{what} is empty</source>
            <comment>keyring.password-empty</comment>
            <translation>{what} est vide</translation>
        </message>
        <message>
            <source>the keyring could not read the password for account {account}: {detail}. {alternatives}</source>
            <comment>keyring.read-failed</comment>
            <translation>le trousseau n’a pas pu lire le mot de passe du compte {account} : {detail}. {alternatives}</translation>
        </message>
        <message>
            <source>the keyring could not delete the sign-in of account {account} ({detail})</source>
            <comment>keyring.sign-in-delete-failed</comment>
            <translation>le trousseau n’a pas pu supprimer la connexion du compte {account} ({detail})</translation>
        </message>
        <message>
            <source>the keyring is locked, so the sign-in of account {account} cannot be used: unlock it (log in to the desktop, or open your keyring manager) and try again</source>
            <comment>keyring.sign-in-locked</comment>
            <translation>le trousseau est verrouillé, la connexion du compte {account} est donc inutilisable : déverrouillez-le (ouvrez une session sur le bureau, ou ouvrez votre gestionnaire de trousseau) et réessayez</translation>
        </message>
        <message>
            <source>the keyring could not read the sign-in of account {account} ({detail})</source>
            <comment>keyring.sign-in-read-failed</comment>
            <translation>le trousseau n’a pas pu lire la connexion du compte {account} ({detail})</translation>
        </message>
        <message>
            <source>the keyring could not store the sign-in of account {account} ({detail})</source>
            <comment>keyring.sign-in-store-failed</comment>
            <translation>le trousseau n’a pas pu enregistrer la connexion du compte {account} ({detail})</translation>
        </message>
        <message>
            <source>the keyring could not store the password for account {account}: {detail}. {alternatives}</source>
            <comment>keyring.store-failed</comment>
            <translation>le trousseau n’a pas pu enregistrer le mot de passe du compte {account} : {detail}. {alternatives}</translation>
        </message>
        <message>
            <source>the stored password for account {account}</source>
            <comment>keyring.stored-password</comment>
            <translation>le mot de passe enregistré du compte {account}</translation>
        </message>
        <message>
            <source>the password</source>
            <comment>keyring.the-password</comment>
            <translation>le mot de passe</translation>
        </message>
        <message>
            <source>the password file of account {account} ({path})</source>
            <comment>keyring.the-password-file</comment>
            <translation>le fichier de mot de passe du compte {account} ({path})</translation>
        </message>
        <message>
            <source>no system keyring is available to store passwords. {alternatives}</source>
            <comment>keyring.unavailable</comment>
            <translation>aucun trousseau du système n’est disponible pour garder les mots de passe. {alternatives}</translation>
        </message>
        <message>
            <source>no system keyring is available to store passwords ({detail}). {alternatives}</source>
            <comment>keyring.unavailable-detail</comment>
            <translation>aucun trousseau du système n’est disponible pour garder les mots de passe ({detail}). {alternatives}</translation>
        </message>
        <message>
            <source>the address cannot be reached from this computer</source>
            <comment>network.address-unreachable</comment>
            <translation>l’adresse n’est pas joignable depuis cet ordinateur</translation>
        </message>
        <message>
            <source>the connection is already encrypted</source>
            <comment>network.already-encrypted</comment>
            <translation>la connexion est déjà chiffrée</translation>
        </message>
        <message>
            <source>the host name {host} is not valid</source>
            <comment>network.bad-host-name</comment>
            <translation>le nom d’hôte {host} n’est pas valide</translation>
        </message>
        <message>
            <source>the port {port} is not valid: use a number from 1 to 65535</source>
            <comment>network.bad-port</comment>
            <translation>le port {port} n’est pas valide : indiquez un nombre de 1 à 65535</translation>
        </message>
        <message>
            <source>the timeout {timeout} is not valid: use a positive number of seconds</source>
            <comment>network.bad-timeout</comment>
            <translation>le délai {timeout} n’est pas valide : indiquez un nombre de secondes positif</translation>
        </message>
        <message>
            <source>the CA certificate file {path} could not be read: {reason}</source>
            <comment>network.ca-file-unreadable</comment>
            <translation>le fichier de certificats d’autorité {path} n’a pas pu être lu : {reason}</translation>
        </message>
        <message>
            <source>cancelled</source>
            <comment>network.cancelled</comment>
            <translation>annulé</translation>
        </message>
        <message>
            <source>the connection to {place} is closed</source>
            <comment>network.closed</comment>
            <translation>la connexion à {place} est fermée</translation>
        </message>
        <message>
            <source>could not connect to {place}: {reason}</source>
            <comment>network.connect-failed</comment>
            <translation>connexion impossible à {place} : {reason}</translation>
        </message>
        <message>
            <source>the connection was reset</source>
            <comment>network.connection-reset</comment>
            <translation>la connexion a été réinitialisée</translation>
        </message>
        <message>
            <source>the host is unreachable</source>
            <comment>network.host-unreachable</comment>
            <translation>l’hôte est injoignable</translation>
        </message>
        <message>
            <source>the host name could not be looked up ({detail})</source>
            <comment>network.lookup-failed</comment>
            <translation>le nom d’hôte n’a pas pu être résolu ({detail})</translation>
        </message>
        <message>
            <source>the host name was not found</source>
            <comment>network.name-not-found</comment>
            <translation>le nom d’hôte est introuvable</translation>
        </message>
        <message>
            <source>the host name could not be looked up (the name server did not answer)</source>
            <comment>network.name-server-silent</comment>
            <translation>le nom d’hôte n’a pas pu être résolu (le serveur de noms n’a pas répondu)</translation>
        </message>
        <message>
            <source>the network is unreachable</source>
            <comment>network.network-unreachable</comment>
            <translation>le réseau est injoignable</translation>
        </message>
        <message>
            <source>the host name has no address</source>
            <comment>network.no-address</comment>
            <translation>le nom d’hôte n’a pas d’adresse</translation>
        </message>
        <message>
            <source>no answer within {seconds}</source>
            <comment>network.no-answer</comment>
            <translation>pas de réponse en {seconds}</translation>
        </message>
        <message>
            <source>the server and popgui have no encryption method in common</source>
            <comment>network.no-common-cipher</comment>
            <translation>le serveur et popgui n’ont aucune méthode de chiffrement en commun</translation>
        </message>
        <message>
            <source>the server did not answer in TLS; check the port and the security setting (POP3 uses implicit TLS on port 995 and STARTTLS on port 110)</source>
            <comment>network.not-tls</comment>
            <translation>le serveur n’a pas répondu en TLS ; vérifiez le port et le réglage de sécurité (POP3 utilise le TLS implicite sur le port 995 et STARTTLS sur le port 110)</translation>
        </message>
        <message>
            <source>connection lost while receiving from {place}: {reason}</source>
            <comment>network.receive-lost</comment>
            <translation>connexion perdue pendant la réception depuis {place} : {reason}</translation>
        </message>
        <message>
            <source>connection refused</source>
            <comment>network.refused</comment>
            <translation>connexion refusée</translation>
        </message>
        <message numerus="yes">
            <source>{count} second(s)</source>
            <comment>network.seconds</comment>
            <translation>
                <numerusform>{count} seconde</numerusform>
                <numerusform>{count} secondes</numerusform>
            </translation>
        </message>
        <message>
            <source>connection lost while sending to {place}: {reason}</source>
            <comment>network.send-lost</comment>
            <translation>connexion perdue pendant l’envoi vers {place} : {reason}</translation>
        </message>
        <message>
            <source>the server at {place} did not accept data within {seconds}</source>
            <comment>network.send-stalled</comment>
            <translation>le serveur {place} n’a pas accepté de données en {seconds}</translation>
        </message>
        <message>
            <source>the server closed the connection</source>
            <comment>network.server-closed</comment>
            <translation>le serveur a fermé la connexion</translation>
        </message>
        <message>
            <source>the server at {place} did not answer within {seconds}</source>
            <comment>network.silent</comment>
            <translation>le serveur {place} n’a pas répondu en {seconds}</translation>
        </message>
        <message>
            <source>the server closed the connection during the TLS handshake</source>
            <comment>network.tls-closed</comment>
            <translation>le serveur a fermé la connexion pendant la négociation TLS</translation>
        </message>
        <message>
            <source>TLS error ({detail})</source>
            <comment>network.tls-error</comment>
            <translation>erreur TLS ({detail})</translation>
        </message>
        <message>
            <source>could not establish a secure connection with {place}: {reason}</source>
            <comment>network.tls-failed</comment>
            <translation>impossible d’établir une connexion sécurisée avec {place} : {reason}</translation>
        </message>
        <message>
            <source>connection lost during the TLS handshake with {place}: {reason}</source>
            <comment>network.tls-lost</comment>
            <translation>connexion perdue pendant la négociation TLS avec {place} : {reason}</translation>
        </message>
        <message>
            <source>the server does not offer TLS 1.2 or newer, which popgui requires</source>
            <comment>network.tls-too-old</comment>
            <translation>le serveur ne propose pas TLS 1.2 ou plus récent, que popgui exige</translation>
        </message>
        <message>
            <source>the server at {place} is sending too slowly: {received} octets in {seconds} of waiting, popgui needs {needed}</source>
            <comment>network.too-slow</comment>
            <translation>le serveur {place} envoie trop lentement : {received} octets en {seconds} d’attente, popgui en demande {needed}</translation>
        </message>
        <message>
            <source>unknown security setting {security}: use tls, starttls or none</source>
            <comment>network.unknown-security</comment>
            <translation>réglage de sécurité inconnu {security} : indiquez tls, starttls ou none</translation>
        </message>
        <message>
            <source>{explanation} (Microsoft AADSTS{code})</source>
            <comment>oauth.aadsts</comment>
            <translation>{explanation} (Microsoft AADSTS{code})</translation>
        </message>
        <message>
            <source>the loopback redirect address is not registered for this client id: its owner must add http://127.0.0.1 (and http://localhost) as redirect URIs of the 'Mobile and desktop applications' platform (docs/oauth.md)</source>
            <comment>oauth.aadsts-50011</comment>
            <translation>l’adresse de retour locale n’est pas enregistrée pour cet identifiant client : son propriétaire doit ajouter http://127.0.0.1 (et http://localhost) comme URI de redirection de la plateforme « Applications mobiles et de bureau » (docs/oauth.md)</translation>
        </message>
        <message>
            <source>this account does not belong to the tenant: use tenant 'common', or your own organisation's tenant id</source>
            <comment>oauth.aadsts-50020</comment>
            <translation>ce compte n’appartient pas au locataire : utilisez le locataire « common », ou l’identifiant de locataire de votre organisation</translation>
        </message>
        <message>
            <source>this user does not exist in the tenant: check the mailbox address and tenant</source>
            <comment>oauth.aadsts-50034</comment>
            <translation>cet utilisateur n’existe pas dans le locataire : vérifiez l’adresse de la boîte et le locataire</translation>
        </message>
        <message>
            <source>you are not signed in to Microsoft in the browser: sign in again</source>
            <comment>oauth.aadsts-50058</comment>
            <translation>vous n’êtes pas connecté à Microsoft dans le navigateur : reconnectez-vous</translation>
        </message>
        <message>
            <source>your organisation requires multi-factor authentication: sign in again in the browser and complete it</source>
            <comment>oauth.aadsts-50076</comment>
            <translation>votre organisation exige l’authentification multifacteur : reconnectez-vous dans le navigateur et effectuez-la</translation>
        </message>
        <message>
            <source>your organisation requires you to set up multi-factor authentication: sign in again in the browser and complete it</source>
            <comment>oauth.aadsts-50079</comment>
            <translation>votre organisation exige que vous configuriez l’authentification multifacteur : reconnectez-vous dans le navigateur et effectuez-la</translation>
        </message>
        <message>
            <source>the user name or password was wrong: sign in again</source>
            <comment>oauth.aadsts-50126</comment>
            <translation>le nom d’utilisateur ou le mot de passe était erroné : reconnectez-vous</translation>
        </message>
        <message>
            <source>the sign-in was revoked, usually because the password changed: sign in again</source>
            <comment>oauth.aadsts-50173</comment>
            <translation>la connexion a été révoquée, généralement parce que le mot de passe a changé : reconnectez-vous</translation>
        </message>
        <message>
            <source>your organisation's conditional access policy blocked this sign-in (some block the device-code flow): use the browser sign-in, or ask your administrator</source>
            <comment>oauth.aadsts-53003</comment>
            <translation>la stratégie d’accès conditionnel de votre organisation a bloqué cette connexion (certaines bloquent la connexion par code) : connectez-vous dans le navigateur, ou demandez à votre administrateur</translation>
        </message>
        <message>
            <source>you (or an administrator) have not yet consented to popgui reading your mail: sign in again and accept the permissions it asks for</source>
            <comment>oauth.aadsts-65001</comment>
            <translation>vous (ou un administrateur) n’avez pas encore autorisé popgui à lire votre courrier : reconnectez-vous et acceptez les autorisations demandées</translation>
        </message>
        <message>
            <source>the consent to popgui was declined: sign in again and accept, or ask your administrator to approve popgui for your organisation</source>
            <comment>oauth.aadsts-65004</comment>
            <translation>l’autorisation de popgui a été refusée : reconnectez-vous et acceptez, ou demandez à votre administrateur d’approuver popgui pour votre organisation</translation>
        </message>
        <message>
            <source>the sign-in is no longer valid (revoked, or granted for other permissions): sign in again</source>
            <comment>oauth.aadsts-70000</comment>
            <translation>la connexion n’est plus valable (révoquée, ou accordée pour d’autres autorisations) : reconnectez-vous</translation>
        </message>
        <message>
            <source>this app is disabled in your organisation: ask your administrator</source>
            <comment>oauth.aadsts-7000112</comment>
            <translation>cette application est désactivée dans votre organisation : adressez-vous à votre administrateur</translation>
        </message>
        <message>
            <source>this client id is not known in this tenant: check the tenant (common, organizations, consumers or your organisation's id) and the client id</source>
            <comment>oauth.aadsts-700016</comment>
            <translation>cet identifiant client est inconnu de ce locataire : vérifiez le locataire (common, organizations, consumers ou l’identifiant de votre organisation) et l’identifiant client</translation>
        </message>
        <message>
            <source>the client secret is wrong: check the account's client secret</source>
            <comment>oauth.aadsts-7000215</comment>
            <translation>le secret client est erroné : vérifiez le secret client du compte</translation>
        </message>
        <message>
            <source>this client id is registered as a confidential app and needs a client secret: give the account its client secret, or register popgui's client id as a public client</source>
            <comment>oauth.aadsts-7000218</comment>
            <translation>cet identifiant client est enregistré comme application confidentielle et exige un secret client : donnez au compte son secret client, ou enregistrez l’identifiant client de popgui comme client public</translation>
        </message>
        <message>
            <source>the sign-in has expired (not used for a long time, or the password changed): sign in again</source>
            <comment>oauth.aadsts-70008</comment>
            <translation>la connexion a expiré (inutilisée depuis longtemps, ou mot de passe changé) : reconnectez-vous</translation>
        </message>
        <message>
            <source>the sign-in expired because it was not used for 90 days: sign in again</source>
            <comment>oauth.aadsts-700082</comment>
            <translation>la connexion a expiré faute d’avoir servi pendant 90 jours : reconnectez-vous</translation>
        </message>
        <message>
            <source>the sign-in expired (single-page-app tokens last 24 hours): sign in again</source>
            <comment>oauth.aadsts-700084</comment>
            <translation>la connexion a expiré (les jetons d’application monopage durent 24 heures) : reconnectez-vous</translation>
        </message>
        <message>
            <source>this tenant does not exist: check the tenant name or id</source>
            <comment>oauth.aadsts-90002</comment>
            <translation>ce locataire n’existe pas : vérifiez son nom ou son identifiant</translation>
        </message>
        <message>
            <source>the request was malformed: check the account's OAuth settings</source>
            <comment>oauth.aadsts-9002313</comment>
            <translation>la requête était mal formée : vérifiez les réglages OAuth du compte</translation>
        </message>
        <message>
            <source>your organisation requires an administrator to approve popgui before you can sign in: ask your IT administrator to grant admin consent</source>
            <comment>oauth.aadsts-admin-consent</comment>
            <translation>votre organisation exige qu’un administrateur approuve popgui avant que vous puissiez vous connecter : demandez à votre administrateur informatique d’accorder le consentement administrateur</translation>
        </message>
        <message>
            <source>the sign-in was refused in the browser (consent not given, or the app is unverified and your account is not one of its test users)</source>
            <comment>oauth.access-denied</comment>
            <translation>la connexion a été refusée dans le navigateur (consentement non donné, ou application non vérifiée dont votre compte n’est pas un utilisateur de test)</translation>
        </message>
        <message>
            <source>the sign-in was refused in the browser (consent not given, or the app is unverified and your account is not one of its test users); a Gmail client id needs Google's verification before other people can use it</source>
            <comment>oauth.access-denied-google</comment>
            <translation>la connexion a été refusée dans le navigateur (consentement non donné, ou application non vérifiée dont votre compte n’est pas un utilisateur de test) ; un identifiant client Gmail doit être vérifié par Google avant que d’autres personnes puissent l’utiliser</translation>
        </message>
        <message>
            <source>your Google Workspace administrator does not allow popgui (or this scope) for your account: ask them to trust the app</source>
            <comment>oauth.admin-policy-enforced</comment>
            <translation>votre administrateur Google Workspace n’autorise pas popgui (ou cette portée) pour votre compte : demandez-lui d’approuver l’application</translation>
        </message>
        <message>
            <source>authorization endpoint</source>
            <comment>oauth.authorization-endpoint</comment>
            <translation>point d’autorisation</translation>
        </message>
        <message>
            <source>no answer came back from the browser within {seconds} seconds; sign in again</source>
            <comment>oauth.browser-timeout</comment>
            <translation>aucune réponse n’est revenue du navigateur en {seconds} secondes ; reconnectez-vous</translation>
        </message>
        <message>
            <source>the sign-in was cancelled</source>
            <comment>oauth.cancelled</comment>
            <translation>la connexion a été annulée</translation>
        </message>
        <message>
            <source>the code expired before it was entered: sign in again</source>
            <comment>oauth.code-expired</comment>
            <translation>le code a expiré avant d’être saisi : reconnectez-vous</translation>
        </message>
        <message>
            <source>consent is needed: sign in again and accept the permissions</source>
            <comment>oauth.consent-required</comment>
            <translation>un consentement est nécessaire : reconnectez-vous et acceptez les autorisations</translation>
        </message>
        <message>
            <source>device authorization endpoint</source>
            <comment>oauth.device-endpoint</comment>
            <translation>point d’autorisation par code</translation>
        </message>
        <message>
            <source>starting the device sign-in failed: HTTP {status}</source>
            <comment>oauth.device-http</comment>
            <translation>le lancement de la connexion par code a échoué : HTTP {status}</translation>
        </message>
        <message>
            <source>the provider's device sign-in reply was not usable</source>
            <comment>oauth.device-reply-unusable</comment>
            <translation>la réponse du fournisseur pour la connexion par code était inutilisable</translation>
        </message>
        <message>
            <source>Google refuses sign-ins from embedded browsers: open the address in your normal browser</source>
            <comment>oauth.disallowed-useragent</comment>
            <translation>Google refuse les connexions depuis les navigateurs intégrés : ouvrez l’adresse dans votre navigateur habituel</translation>
        </message>
        <message>
            <source>the discovery document</source>
            <comment>oauth.discovery</comment>
            <translation>le document de découverte</translation>
        </message>
        <message>
            <source>the discovery document of {issuer} has no {name}</source>
            <comment>oauth.discovery-missing</comment>
            <translation>le document de découverte de {issuer} n’a pas de {name}</translation>
        </message>
        <message>
            <source>the discovery document of {issuer} names another issuer ({named}): refusing it</source>
            <comment>oauth.discovery-other-issuer</comment>
            <translation>le document de découverte de {issuer} nomme un autre émetteur ({named}) : il est refusé</translation>
        </message>
        <message>
            <source>the sign-in of account {account} has expired and cannot be renewed: sign in again: {hint}</source>
            <comment>oauth.expired</comment>
            <translation>la connexion du compte {account} a expiré et ne peut pas être renouvelée : reconnectez-vous : {hint}</translation>
        </message>
        <message>
            <source>{what} failed: {reason}</source>
            <comment>oauth.failed</comment>
            <translation>{what} a échoué : {reason}</translation>
        </message>
        <message>
            <source>If this happened about 7 days after signing in, the Google Cloud project behind the client id is in 'Testing' publishing status, whose refresh tokens expire after 7 days: its owner must publish it (set it 'In production'), then sign in again</source>
            <comment>oauth.google-testing</comment>
            <translation>Si c’est arrivé environ 7 jours après la connexion, le projet Google Cloud derrière l’identifiant client est à l’état de publication « Test », dont les jetons de renouvellement expirent au bout de 7 jours : son propriétaire doit le publier (le passer « En production »), puis il faut se reconnecter</translation>
        </message>
        <message>
            <source>{what} ({url}) answered HTTP {status}</source>
            <comment>oauth.http-error</comment>
            <translation>{what} ({url}) a répondu HTTP {status}</translation>
        </message>
        <message>
            <source>{what} failed: the provider answered HTTP {status}</source>
            <comment>oauth.http-status</comment>
            <translation>{what} a échoué : le fournisseur a répondu HTTP {status}</translation>
        </message>
        <message>
            <source>account {account}: {error}</source>
            <comment>oauth.in-account</comment>
            <translation>compte {account} : {error}</translation>
        </message>
        <message>
            <source>the provider needs you in the browser: sign in again</source>
            <comment>oauth.interaction-required</comment>
            <translation>le fournisseur a besoin de vous dans le navigateur : reconnectez-vous</translation>
        </message>
        <message>
            <source>the provider does not accept this client id (or its secret): check the account's client id and secret</source>
            <comment>oauth.invalid-client</comment>
            <translation>le fournisseur n’accepte pas cet identifiant client (ou son secret) : vérifiez l’identifiant client et le secret du compte</translation>
        </message>
        <message>
            <source>the sign-in is no longer valid (expired or revoked): sign in again</source>
            <comment>oauth.invalid-grant</comment>
            <translation>la connexion n’est plus valable (expirée ou révoquée) : reconnectez-vous</translation>
        </message>
        <message>
            <source>the provider refused the requested scopes: check the account's scope</source>
            <comment>oauth.invalid-scope</comment>
            <translation>le fournisseur a refusé les portées demandées : vérifiez la portée du compte</translation>
        </message>
        <message>
            <source>issuer</source>
            <comment>oauth.issuer</comment>
            <translation>émetteur</translation>
        </message>
        <message>
            <source>{error} (the provider said this sign-in would last until {until} UTC)</source>
            <comment>oauth.lasted</comment>
            <translation>{error} (le fournisseur avait annoncé que cette connexion durerait jusqu’au {until} UTC)</translation>
        </message>
        <message>
            <source>run `popgui account login {name}`, or use Sign in again… in the window</source>
            <comment>oauth.login-hint</comment>
            <translation>lancez `popgui account login {name}`, ou utilisez Se reconnecter… dans la fenêtre</translation>
        </message>
        <message>
            <source>the mail server refused the sign-in of account {account} although the provider issued a new token: {why}</source>
            <comment>oauth.mail-server-refused</comment>
            <translation>le serveur de courrier a refusé la connexion du compte {account} bien que le fournisseur ait délivré un nouveau jeton : {why}</translation>
        </message>
        <message>
            <source>{error} ({said})</source>
            <comment>oauth.mail-server-said</comment>
            <translation>{error} ({said})</translation>
        </message>
        <message>
            <source>Microsoft sign-in address</source>
            <comment>oauth.microsoft-address</comment>
            <translation>adresse de connexion Microsoft</translation>
        </message>
        <message>
            <source>no OAuth client id for {provider}: this build of popgui carries none, so pass `--oauth-client-id` (an app you registered with the provider) or use a build of popgui that has one (see docs/oauth.md)</source>
            <comment>oauth.no-client-id</comment>
            <translation>aucun identifiant client OAuth pour {provider} : cette version de popgui n’en contient pas, passez donc `--oauth-client-id` (une application que vous avez enregistrée auprès du fournisseur) ou utilisez une version de popgui qui en contient un (voir docs/oauth.md)</translation>
        </message>
        <message>
            <source>the browser came back without an authorization code</source>
            <comment>oauth.no-code</comment>
            <translation>le navigateur est revenu sans code d’autorisation</translation>
        </message>
        <message>
            <source>this provider offers no device sign-in: sign in in the browser instead</source>
            <comment>oauth.no-device-sign-in</comment>
            <translation>ce fournisseur ne propose pas de connexion par code : connectez-vous dans le navigateur</translation>
        </message>
        <message>
            <source>this provider offers no device sign-in (Google does not allow the Gmail scope in the device flow): sign in in the browser instead</source>
            <comment>oauth.no-device-sign-in-google</comment>
            <translation>ce fournisseur ne propose pas de connexion par code (Google n’autorise pas l’accès à Gmail par ce moyen) : connectez-vous dans le navigateur</translation>
        </message>
        <message>
            <source>a custom OAuth provider needs its issuer (`--oauth-issuer URL`)</source>
            <comment>oauth.no-issuer</comment>
            <translation>un fournisseur OAuth personnalisé a besoin de son émetteur (`--oauth-issuer URL`)</translation>
        </message>
        <message>
            <source>{tenant} is not a Microsoft tenant name or id</source>
            <comment>oauth.not-a-tenant</comment>
            <translation>{tenant} n’est pas un nom ni un identifiant de locataire Microsoft</translation>
        </message>
        <message>
            <source>the {what} {url} is not an https address: popgui sends sign-in secrets only over https (or plain http to this machine itself)</source>
            <comment>oauth.not-https</comment>
            <translation>l’adresse ({what}) {url} n’est pas en https : popgui n’envoie les secrets de connexion qu’en https (ou en http simple vers cette machine même)</translation>
        </message>
        <message>
            <source>{what} answered HTTP {status} without a JSON object</source>
            <comment>oauth.not-json</comment>
            <translation>{what} a répondu HTTP {status} sans objet JSON</translation>
        </message>
        <message>
            <source>account {account} has not signed in yet: run `popgui account login {name}` (or use Sign in… in the window)</source>
            <comment>oauth.not-signed-in</comment>
            <translation>le compte {account} ne s’est pas encore connecté : lancez `popgui account login {name}` (ou utilisez Se connecter… dans la fenêtre)</translation>
        </message>
        <message>
            <source>this client id belongs to a Google Cloud project limited to its own organisation's users: use a client id that allows your account</source>
            <comment>oauth.org-internal</comment>
            <translation>cet identifiant client appartient à un projet Google Cloud réservé aux utilisateurs de sa propre organisation : utilisez un identifiant client qui accepte votre compte</translation>
        </message>
        <message>
            <source>the browser came back from another issuer ({issuer}) than the one popgui sent it to; nothing was stored: sign in again</source>
            <comment>oauth.other-issuer</comment>
            <translation>le navigateur est revenu d’un autre émetteur ({issuer}) que celui où popgui l’avait envoyé ; rien n’a été enregistré : reconnectez-vous</translation>
        </message>
        <message>
            <source>{explanation} (the provider said: {said})</source>
            <comment>oauth.provider-said</comment>
            <translation>{explanation} (le fournisseur a dit : {said})</translation>
        </message>
        <message>
            <source>the sign-in was refused on the other device: sign in again and accept</source>
            <comment>oauth.refused-on-device</comment>
            <translation>la connexion a été refusée sur l’autre appareil : reconnectez-vous et acceptez</translation>
        </message>
        <message>
            <source>the provider refused the sign-in with {error}</source>
            <comment>oauth.refused-with</comment>
            <translation>le fournisseur a refusé la connexion avec {error}</translation>
        </message>
        <message>
            <source>the provider refused the sign-in with {error}: {said}</source>
            <comment>oauth.refused-with-said</comment>
            <translation>le fournisseur a refusé la connexion avec {error} : {said}</translation>
        </message>
        <message>
            <source>account {account}: {error}; to sign in again, {hint}</source>
            <comment>oauth.renewal-refused</comment>
            <translation>compte {account} : {error} ; pour vous reconnecter, {hint}</translation>
        </message>
        <message>
            <source>renewing the sign-in</source>
            <comment>oauth.renewing</comment>
            <translation>le renouvellement de la connexion</translation>
        </message>
        <message>
            <source>{what} failed: the provider's reply was not usable ({error})</source>
            <comment>oauth.reply-unusable</comment>
            <translation>{what} a échoué : la réponse du fournisseur était inutilisable ({error})</translation>
        </message>
        <message>
            <source>{what} at {host} failed: {kind}</source>
            <comment>oauth.request-failed</comment>
            <translation>{what} auprès de {host} a échoué : {kind}</translation>
        </message>
        <message>
            <source>revocation endpoint</source>
            <comment>oauth.revocation-endpoint</comment>
            <translation>point de révocation</translation>
        </message>
        <message>
            <source>revoking the sign-in</source>
            <comment>oauth.revoking</comment>
            <translation>la révocation de la connexion</translation>
        </message>
        <message>
            <source>the provider had an internal error: try again later</source>
            <comment>oauth.server-error</comment>
            <translation>le fournisseur a eu une erreur interne : réessayez plus tard</translation>
        </message>
        <message>
            <source>the OAuth settings of account {account} changed since it signed in: sign in again: {hint}</source>
            <comment>oauth.settings-changed</comment>
            <translation>les réglages OAuth du compte {account} ont changé depuis sa connexion : reconnectez-vous : {hint}</translation>
        </message>
        <message>
            <source>signing in</source>
            <comment>oauth.signing-in</comment>
            <translation>la connexion</translation>
        </message>
        <message>
            <source>signing in in the browser</source>
            <comment>oauth.signing-in-browser</comment>
            <translation>la connexion dans le navigateur</translation>
        </message>
        <message>
            <source>signing in with a code</source>
            <comment>oauth.signing-in-code</comment>
            <translation>la connexion avec un code</translation>
        </message>
        <message>
            <source>starting the device sign-in</source>
            <comment>oauth.starting-device</comment>
            <translation>le lancement de la connexion par code</translation>
        </message>
        <message>
            <source>the browser came back with a reply that does not belong to this sign-in (its state differs); nothing was stored: sign in again</source>
            <comment>oauth.state-differs</comment>
            <translation>le navigateur est revenu avec une réponse qui n’appartient pas à cette connexion (son état diffère) ; rien n’a été enregistré : reconnectez-vous</translation>
        </message>
        <message>
            <source>the provider is temporarily unavailable: try again later</source>
            <comment>oauth.temporarily-unavailable</comment>
            <translation>le fournisseur est momentanément indisponible : réessayez plus tard</translation>
        </message>
        <message>
            <source>token endpoint</source>
            <comment>oauth.token-endpoint</comment>
            <translation>point de jetons</translation>
        </message>
        <message>
            <source>this client id is not allowed to use this kind of sign-in</source>
            <comment>oauth.unauthorized-client</comment>
            <translation>cet identifiant client n’a pas le droit d’utiliser ce type de connexion</translation>
        </message>
        <message>
            <source>could not reach {host} for {what}: {reason}</source>
            <comment>oauth.unreachable</comment>
            <translation>impossible de joindre {host} pour {what} : {reason}</translation>
        </message>
        <message>
            <source>POP may be disabled in Gmail's settings (Forwarding and POP/IMAP)</source>
            <comment>oauth.why-google</comment>
            <translation>POP est peut-être désactivé dans les paramètres de Gmail (Transfert et POP/IMAP)</translation>
        </message>
        <message>
            <source>POP may be disabled for this mailbox (Outlook.com: Settings, Mail, Forwarding and IMAP, 'Let devices and apps use POP'; Microsoft 365: an administrator enables POP for the mailbox), or the user name is not the mailbox address</source>
            <comment>oauth.why-microsoft</comment>
            <translation>POP est peut-être désactivé pour cette boîte (Outlook.com : Paramètres, Courrier, Transfert et IMAP, « Autoriser les appareils et les applications à utiliser POP » ; Microsoft 365 : un administrateur active POP pour la boîte), ou le nom d’utilisateur n’est pas l’adresse de la boîte</translation>
        </message>
        <message>
            <source>the token may lack the scope the mail server needs, or name another user</source>
            <comment>oauth.why-other</comment>
            <translation>le jeton n’a peut-être pas la portée dont le serveur de courrier a besoin, ou désigne un autre utilisateur</translation>
        </message>
        <message>
            <source>{explanation}. {note}</source>
            <comment>oauth.with-note</comment>
            <translation>{explanation}. {note}</translation>
        </message>
        <message>
            <source>{mechanism}: the server accepted the login before it was sent</source>
            <comment>protocol.accepted-early</comment>
            <translation>{mechanism} : le serveur a accepté l’identification avant qu’elle ne soit envoyée</translation>
        </message>
        <message>
            <source>{command} takes {counts} argument(s), not {given}</source>
            <comment>protocol.argument-count</comment>
            <translation>{command} prend {counts} argument(s), pas {given}</translation>
        </message>
        <message>
            <source>{command} arguments must not contain CR, LF or NUL</source>
            <comment>protocol.arguments-control</comment>
            <translation>les arguments de {command} ne doivent contenir ni CR, ni LF, ni NUL</translation>
        </message>
        <message>
            <source>{command} arguments must not be empty</source>
            <comment>protocol.arguments-empty</comment>
            <translation>les arguments de {command} ne doivent pas être vides</translation>
        </message>
        <message>
            <source>{command} takes message numbers, not {value}</source>
            <comment>protocol.arguments-numbers</comment>
            <translation>{command} prend des numéros de message, pas {value}</translation>
        </message>
        <message>
            <source>{command} arguments must not contain spaces</source>
            <comment>protocol.arguments-spaces</comment>
            <translation>les arguments de {command} ne doivent pas contenir d’espaces</translation>
        </message>
        <message>
            <source>{command} arguments must be text</source>
            <comment>protocol.arguments-text</comment>
            <translation>les arguments de {command} doivent être du texte</translation>
        </message>
        <message>
            <source>the server greeting is not +OK or -ERR</source>
            <comment>protocol.bad-greeting</comment>
            <translation>l’accueil du serveur n’est ni +OK ni -ERR</translation>
        </message>
        <message>
            <source>{mechanism}: bad iteration count</source>
            <comment>protocol.bad-iterations</comment>
            <translation>{mechanism} : nombre d’itérations incorrect</translation>
        </message>
        <message>
            <source>a SCRAM nonce must be printable ASCII without commas</source>
            <comment>protocol.bad-nonce</comment>
            <translation>un nonce SCRAM doit être en ASCII imprimable, sans virgule</translation>
        </message>
        <message>
            <source>a SASL response must be ASCII without CR, LF or NUL</source>
            <comment>protocol.bad-sasl-response</comment>
            <translation>une réponse SASL doit être en ASCII, sans CR, LF ni NUL</translation>
        </message>
        <message>
            <source>the reply to {command} is not +OK or -ERR</source>
            <comment>protocol.bad-status</comment>
            <translation>la réponse à {command} n’est ni +OK ni -ERR</translation>
        </message>
        <message>
            <source>{command} sent before the server greeting</source>
            <comment>protocol.before-greeting</comment>
            <translation>{command} envoyé avant l’accueil du serveur</translation>
        </message>
        <message>
            <source>{what} contains a character this login method cannot send</source>
            <comment>protocol.cannot-send-character</comment>
            <translation>{what} contient un caractère que cette méthode d’identification ne peut pas envoyer</translation>
        </message>
        <message>
            <source>{mechanism}: unexpected challenge after the exchange ended</source>
            <comment>protocol.challenge-after-end</comment>
            <translation>{mechanism} : défi inattendu après la fin de l’échange</translation>
        </message>
        <message>
            <source>{mechanism}: unexpected challenge after the error report</source>
            <comment>protocol.challenge-after-report</comment>
            <translation>{mechanism} : défi inattendu après le rapport d’erreur</translation>
        </message>
        <message>
            <source>check the user name and password</source>
            <comment>protocol.check-password</comment>
            <translation>vérifiez le nom d’utilisateur et le mot de passe</translation>
        </message>
        <message>
            <source>the OAuth2 access token may have expired or been revoked, or belong to another user</source>
            <comment>protocol.check-token</comment>
            <translation>le jeton d’accès OAuth2 a peut-être expiré ou été révoqué, ou appartient à un autre utilisateur</translation>
        </message>
        <message>
            <source>the server closed the connection right after a message</source>
            <comment>protocol.closed-after-message</comment>
            <translation>le serveur a fermé la connexion juste après un message</translation>
        </message>
        <message>
            <source>the connection closed {remaining} octets before the end of the message</source>
            <comment>protocol.closed-early</comment>
            <translation>la connexion s’est fermée {remaining} octets avant la fin du message</translation>
        </message>
        <message>
            <source>the server closed the connection instead of answering {command}</source>
            <comment>protocol.closed-instead</comment>
            <translation>le serveur a fermé la connexion au lieu de répondre à {command}</translation>
        </message>
        <message>
            <source>the server closed the connection {where}</source>
            <comment>protocol.closed-where</comment>
            <translation>le serveur a fermé la connexion {where}</translation>
        </message>
        <message>
            <source>{command} command line exceeds {limit} octets</source>
            <comment>protocol.command-too-long</comment>
            <translation>la ligne de commande {command} dépasse {limit} octets</translation>
        </message>
        <message>
            <source>CRAM-MD5: the server's challenge is empty</source>
            <comment>protocol.cram-empty-challenge</comment>
            <translation>CRAM-MD5 : le défi du serveur est vide</translation>
        </message>
        <message>
            <source>CRAM-MD5: the server sent a second challenge</source>
            <comment>protocol.cram-second-challenge</comment>
            <translation>CRAM-MD5 : le serveur a envoyé un second défi</translation>
        </message>
        <message>
            <source>data received after the connection was closed</source>
            <comment>protocol.data-after-close</comment>
            <translation>données reçues après la fermeture de la connexion</translation>
        </message>
        <message>
            <source>data received after the end of the stream</source>
            <comment>protocol.data-after-end</comment>
            <translation>données reçues après la fin du flux</translation>
        </message>
        <message>
            <source>message data</source>
            <comment>protocol.data-expected</comment>
            <translation>des données de message</translation>
        </message>
        <message>
            <source>the server sent data nobody asked for: {data}</source>
            <comment>protocol.data-nobody-asked</comment>
            <translation>le serveur a envoyé des données que personne n’a demandées : {data}</translation>
        </message>
        <message>
            <source>the server sent data while no reply was expected</source>
            <comment>protocol.data-unasked</comment>
            <translation>le serveur a envoyé des données alors qu’aucune réponse n’était attendue</translation>
        </message>
        <message>
            <source>{mechanism}: unexpected data with the server's success</source>
            <comment>protocol.data-with-success</comment>
            <translation>{mechanism} : données inattendues avec l’acceptation du serveur</translation>
        </message>
        <message>
            <source>DIGEST-MD5 is obsolete (RFC 6331); SCRAM replaces it</source>
            <comment>protocol.digest-md5-obsolete</comment>
            <translation>DIGEST-MD5 est obsolète (RFC 6331) ; SCRAM le remplace</translation>
        </message>
        <message>
            <source>{first} or {second}</source>
            <comment>protocol.either</comment>
            <translation>{first} ou {second}</translation>
        </message>
        <message>
            <source>{mechanism}: the server sent an empty salt</source>
            <comment>protocol.empty-salt</comment>
            <translation>{mechanism} : le serveur a envoyé un sel vide</translation>
        </message>
        <message>
            <source>{mechanism}: the server's first challenge must be empty</source>
            <comment>protocol.first-challenge-not-empty</comment>
            <translation>{mechanism} : le premier défi du serveur doit être vide</translation>
        </message>
        <message>
            <source>greeting</source>
            <comment>protocol.greeting-expected</comment>
            <translation>un accueil</translation>
        </message>
        <message>
            <source>the server sent an implausible {what} ({digits} digits): {value}...</source>
            <comment>protocol.implausible-number</comment>
            <translation>le serveur a envoyé une valeur invraisemblable pour {what} ({digits} chiffres) : {value}...</translation>
        </message>
        <message>
            <source>the server sent an implausible number: {line}</source>
            <comment>protocol.implausible-pop2-number</comment>
            <translation>le serveur a envoyé un nombre invraisemblable : {line}</translation>
        </message>
        <message>
            <source>in the middle of the {command} listing</source>
            <comment>protocol.in-listing</comment>
            <translation>au milieu de la liste {command}</translation>
        </message>
        <message>
            <source>in the middle of a message</source>
            <comment>protocol.in-message</comment>
            <translation>au milieu d’un message</translation>
        </message>
        <message>
            <source>the server sent an invalid unique id {uid}</source>
            <comment>protocol.invalid-uid</comment>
            <translation>le serveur a envoyé un identifiant unique invalide {uid}</translation>
        </message>
        <message>
            <source>{mechanism}: the iteration count {iterations} is outside 1..{limit}</source>
            <comment>protocol.iterations-outside</comment>
            <translation>{mechanism} : le nombre d’itérations {iterations} est hors de 1..{limit}</translation>
        </message>
        <message>
            <source>KERBEROS_V4 is obsolete: Kerberos 4 is gone (MIT Kerberos removed it in 1.8); its successor is GSSAPI (Kerberos 5), which popgui uses with your ticket: choose auth gssapi (popgui account add --auth gssapi) if the server offers it</source>
            <comment>protocol.kerberos-v4-obsolete</comment>
            <translation>KERBEROS_V4 est obsolète : Kerberos 4 a disparu (MIT Kerberos l’a retiré dans la version 1.8) ; son successeur est GSSAPI (Kerberos 5), que popgui utilise avec votre ticket : choisissez auth gssapi (popgui account add --auth gssapi) si le serveur le propose</translation>
        </message>
        <message>
            <source>a status line is longer than {limit} octets</source>
            <comment>protocol.line-too-long</comment>
            <translation>une ligne d’état dépasse {limit} octets</translation>
        </message>
        <message>
            <source>the server listed message {number} twice in {command}</source>
            <comment>protocol.listed-twice</comment>
            <translation>le serveur a listé deux fois le message {number} dans {command}</translation>
        </message>
        <message>
            <source>the server listed a message number 0 in {command}</source>
            <comment>protocol.listed-zero</comment>
            <translation>le serveur a listé un message numéro 0 dans {command}</translation>
        </message>
        <message numerus="yes">
            <source>{reply} ({count} line(s))</source>
            <comment>protocol.listing-reply</comment>
            <translation>
                <numerusform>{reply} ({count} ligne)</numerusform>
                <numerusform>{reply} ({count} lignes)</numerusform>
            </translation>
        </message>
        <message>
            <source>the {command} listing exceeds {limit} lines</source>
            <comment>protocol.listing-too-long</comment>
            <translation>la liste {command} dépasse {limit} lignes</translation>
        </message>
        <message>
            <source>LOGIN: the server asked for {what} again</source>
            <comment>protocol.login-asked-again</comment>
            <translation>LOGIN : le serveur a redemandé {what}</translation>
        </message>
        <message>
            <source>the server refused the login ({reply}); {check}</source>
            <comment>protocol.login-refused</comment>
            <translation>le serveur a refusé l’identification ({reply}) ; {check}</translation>
        </message>
        <message>
            <source>{what} is malformed</source>
            <comment>protocol.malformed</comment>
            <translation>{what} est mal formé</translation>
        </message>
        <message>
            <source>the server sent a malformed authentication challenge</source>
            <comment>protocol.malformed-challenge</comment>
            <translation>le serveur a envoyé un défi d’authentification mal formé</translation>
        </message>
        <message>
            <source>the server sent a malformed {command} line: {line}</source>
            <comment>protocol.malformed-line</comment>
            <translation>le serveur a envoyé une ligne {command} mal formée : {line}</translation>
        </message>
        <message>
            <source>the server sent a malformed {what}: {value}</source>
            <comment>protocol.malformed-number</comment>
            <translation>le serveur a envoyé une valeur mal formée pour {what} : {value}</translation>
        </message>
        <message>
            <source>the {mechanism} server-final message is malformed</source>
            <comment>protocol.malformed-server-final</comment>
            <translation>le message server-final de {mechanism} est mal formé</translation>
        </message>
        <message>
            <source>the {mechanism} server-first message is malformed</source>
            <comment>protocol.malformed-server-first</comment>
            <translation>le message server-first de {mechanism} est mal formé</translation>
        </message>
        <message>
            <source>the server sent a malformed STAT reply</source>
            <comment>protocol.malformed-stat</comment>
            <translation>le serveur a envoyé une réponse STAT mal formée</translation>
        </message>
        <message>
            <source>the server refused the {mechanism} login ({reason})</source>
            <comment>protocol.mechanism-refused</comment>
            <translation>le serveur a refusé l’identification {mechanism} ({reason})</translation>
        </message>
        <message>
            <source>the server does not offer {method}; it offers {offered}.</source>
            <comment>protocol.method-not-offered</comment>
            <translation>le serveur ne propose pas {method} ; il propose {offered}.</translation>
        </message>
        <message>
            <source>the server does not offer {method}; it offers {offered}. {why}</source>
            <comment>protocol.method-not-offered-why</comment>
            <translation>le serveur ne propose pas {method} ; il propose {offered}. {why}</translation>
        </message>
        <message>
            <source>{what} mixes right-to-left and left-to-right text</source>
            <comment>protocol.mixed-directions</comment>
            <translation>{what} mélange du texte de droite à gauche et de gauche à droite</translation>
        </message>
        <message>
            <source>{mechanism} needs an access token</source>
            <comment>protocol.needs-token</comment>
            <translation>{mechanism} a besoin d’un jeton d’accès</translation>
        </message>
        <message>
            <source>the server does not offer APOP (its greeting has no timestamp)</source>
            <comment>protocol.no-apop</comment>
            <translation>le serveur ne propose pas APOP (son accueil n’a pas d’horodatage)</translation>
        </message>
        <message>
            <source>{mechanism} cannot carry an authorization identity</source>
            <comment>protocol.no-authzid</comment>
            <translation>{mechanism} ne peut pas transmettre d’identité d’autorisation</translation>
        </message>
        <message>
            <source>no AUTH challenge is waiting for a response</source>
            <comment>protocol.no-challenge</comment>
            <translation>aucun défi AUTH n’attend de réponse</translation>
        </message>
        <message>
            <source>a reply line does not end in CRLF: {line}</source>
            <comment>protocol.no-crlf</comment>
            <translation>une ligne de réponse ne se termine pas par CRLF : {line}</translation>
        </message>
        <message>
            <source>the server did not greet: {reply}</source>
            <comment>protocol.no-greeting</comment>
            <translation>le serveur n’a pas envoyé d’accueil : {reply}</translation>
        </message>
        <message>
            <source>the server offers no OAuth2 login (OAUTHBEARER or XOAUTH2); it offers {offered}: choose a password method for this account</source>
            <comment>protocol.no-oauth</comment>
            <translation>le serveur ne propose aucune identification OAuth2 (OAUTHBEARER ou XOAUTH2) ; il propose {offered} : choisissez une méthode par mot de passe pour ce compte</translation>
        </message>
        <message>
            <source>server could not prove it knows the password</source>
            <comment>protocol.no-password-proof</comment>
            <translation>le serveur n’a pas pu prouver qu’il connaît le mot de passe</translation>
        </message>
        <message>
            <source>no reason given</source>
            <comment>protocol.no-reason</comment>
            <translation>aucune raison donnée</translation>
        </message>
        <message>
            <source>{mechanism}: the server accepted the login without proving it knows the password</source>
            <comment>protocol.no-server-proof</comment>
            <translation>{mechanism} : le serveur a accepté l’identification sans prouver qu’il connaît le mot de passe</translation>
        </message>
        <message>
            <source>the server does not offer STARTTLS (STLS); popgui will not fall back to an unencrypted connection. Choose TLS or, if you accept the risk, no security.</source>
            <comment>protocol.no-starttls</comment>
            <translation>le serveur ne propose pas STARTTLS (STLS) ; popgui ne se rabattra pas sur une connexion non chiffrée. Choisissez TLS ou, si vous en acceptez le risque, aucune sécurité.</translation>
        </message>
        <message>
            <source>the server offers no login method popgui can use: {reasons}</source>
            <comment>protocol.no-usable-method</comment>
            <translation>le serveur ne propose aucune méthode d’identification utilisable par popgui : {reasons}</translation>
        </message>
        <message>
            <source>{mechanism}: the server's nonce has invalid characters</source>
            <comment>protocol.nonce-invalid</comment>
            <translation>{mechanism} : le nonce du serveur contient des caractères invalides</translation>
        </message>
        <message>
            <source>{mechanism}: the server's nonce does not extend ours</source>
            <comment>protocol.nonce-not-ours</comment>
            <translation>{mechanism} : le nonce du serveur ne prolonge pas le nôtre</translation>
        </message>
        <message>
            <source>{what} is not valid base64</source>
            <comment>protocol.not-base64</comment>
            <translation>{what} n’est pas du base64 valide</translation>
        </message>
        <message>
            <source>{command} is not allowed in the {state} state</source>
            <comment>protocol.not-in-state</comment>
            <translation>{command} n’est pas permis dans l’état {state}</translation>
        </message>
        <message>
            <source>the server sent something that is not a POP2 reply: {line}</source>
            <comment>protocol.not-pop2</comment>
            <translation>le serveur a envoyé quelque chose qui n’est pas une réponse POP2 : {line}</translation>
        </message>
        <message>
            <source>{command} is not a POP2 command</source>
            <comment>protocol.not-pop2-command</comment>
            <translation>{command} n’est pas une commande POP2</translation>
        </message>
        <message>
            <source>{method} is not supported</source>
            <comment>protocol.not-supported</comment>
            <translation>{method} n’est pas pris en charge</translation>
        </message>
        <message>
            <source>{what} is not UTF-8</source>
            <comment>protocol.not-utf8</comment>
            <translation>{what} n’est pas en UTF-8</translation>
        </message>
        <message>
            <source>nothing</source>
            <comment>protocol.nothing-expected</comment>
            <translation>rien</translation>
        </message>
        <message>
            <source>message number in {command}</source>
            <comment>protocol.number-in</comment>
            <translation>le numéro de message dans {command}</translation>
        </message>
        <message>
            <source>PLAIN: the server sent a challenge after the credentials</source>
            <comment>protocol.plain-challenged</comment>
            <translation>PLAIN : le serveur a envoyé un défi après les identifiants</translation>
        </message>
        <message>
            <source>{command} takes {most} argument(s), got {given}</source>
            <comment>protocol.pop2-argument-count</comment>
            <translation>{command} prend {most} argument(s), et en a reçu {given}</translation>
        </message>
        <message>
            <source>the server closed the connection</source>
            <comment>protocol.pop2-closed</comment>
            <translation>le serveur a fermé la connexion</translation>
        </message>
        <message>
            <source>the {command} command is longer than {limit} octets</source>
            <comment>protocol.pop2-command-too-long</comment>
            <translation>la commande {command} dépasse {limit} octets</translation>
        </message>
        <message>
            <source>{command} is not allowed in POP2 state {state}</source>
            <comment>protocol.pop2-not-in-state</comment>
            <translation>{command} n’est pas permis dans l’état POP2 {state}</translation>
        </message>
        <message>
            <source>cannot send {command}: the reply to {last} is still pending (POP2 has no pipelining)</source>
            <comment>protocol.pop2-pending</comment>
            <translation>impossible d’envoyer {command} : la réponse à {last} est encore attendue (POP2 n’a pas de pipelining)</translation>
        </message>
        <message>
            <source>the server refused {command}: {reply}</source>
            <comment>protocol.pop2-refused</comment>
            <translation>le serveur a refusé {command} : {reply}</translation>
        </message>
        <message>
            <source>the server answered {command} with {line}; expected {wanted}</source>
            <comment>protocol.pop2-unexpected</comment>
            <translation>le serveur a répondu à {command} par {line} ; attendu : {wanted}</translation>
        </message>
        <message>
            <source>the POP2 connection is unusable: {error}</source>
            <comment>protocol.pop2-unusable</comment>
            <translation>la connexion POP2 est inutilisable : {error}</translation>
        </message>
        <message>
            <source>{failure} ({reply})</source>
            <comment>protocol.refused-with-reply</comment>
            <translation>{failure} ({reply})</translation>
        </message>
        <message>
            <source>a reply line is longer than {limit} octets</source>
            <comment>protocol.reply-too-long</comment>
            <translation>une ligne de réponse dépasse {limit} octets</translation>
        </message>
        <message>
            <source>{mechanism}: the server's error report is not JSON</source>
            <comment>protocol.report-not-json</comment>
            <translation>{mechanism} : le rapport d’erreur du serveur n’est pas du JSON</translation>
        </message>
        <message>
            <source>{mechanism}: the server's error report is not a JSON object</source>
            <comment>protocol.report-not-object</comment>
            <translation>{mechanism} : le rapport d’erreur du serveur n’est pas un objet JSON</translation>
        </message>
        <message>
            <source>RETR after =0: there is no message to retrieve</source>
            <comment>protocol.retr-nothing</comment>
            <translation>RETR après =0 : il n’y a aucun message à récupérer</translation>
        </message>
        <message>
            <source>the server gave the same unique id (UIDL) to two messages; popgui will not guess which is which</source>
            <comment>protocol.same-uid</comment>
            <translation>le serveur a donné le même identifiant unique (UIDL) à deux messages ; popgui ne devinera pas lequel est lequel</translation>
        </message>
        <message>
            <source>{what} contains a character SASLprep forbids</source>
            <comment>protocol.saslprep-forbids</comment>
            <translation>{what} contient un caractère que SASLprep interdit</translation>
        </message>
        <message>
            <source>{first}; {rest}</source>
            <comment>protocol.semicolons</comment>
            <translation>{first} ; {rest}</translation>
        </message>
        <message>
            <source>size for message {number}</source>
            <comment>protocol.size-of</comment>
            <translation>la taille du message {number}</translation>
        </message>
        <message>
            <source>the server speaks POP3, not POP2 (wrong port?)</source>
            <comment>protocol.speaks-pop3</comment>
            <translation>le serveur parle POP3, pas POP2 (mauvais port ?)</translation>
        </message>
        <message>
            <source>STAT count</source>
            <comment>protocol.stat-count</comment>
            <translation>le nombre de messages de STAT</translation>
        </message>
        <message>
            <source>STAT size</source>
            <comment>protocol.stat-size</comment>
            <translation>la taille de STAT</translation>
        </message>
        <message>
            <source>the server sent data after STLS +OK (possible STARTTLS injection)</source>
            <comment>protocol.stls-injection</comment>
            <translation>le serveur a envoyé des données après le +OK de STLS (injection STARTTLS possible)</translation>
        </message>
        <message>
            <source>the access token</source>
            <comment>protocol.the-access-token</comment>
            <translation>le jeton d’accès</translation>
        </message>
        <message>
            <source>the authzid</source>
            <comment>protocol.the-authzid</comment>
            <translation>l’authzid</translation>
        </message>
        <message>
            <source>the host name</source>
            <comment>protocol.the-host-name</comment>
            <translation>le nom d’hôte</translation>
        </message>
        <message>
            <source>the mailbox name</source>
            <comment>protocol.the-mailbox-name</comment>
            <translation>le nom de la boîte aux lettres</translation>
        </message>
        <message>
            <source>the message number</source>
            <comment>protocol.the-message-number</comment>
            <translation>le numéro de message</translation>
        </message>
        <message>
            <source>the password</source>
            <comment>protocol.the-password</comment>
            <translation>le mot de passe</translation>
        </message>
        <message>
            <source>the SCRAM salt</source>
            <comment>protocol.the-salt</comment>
            <translation>le sel SCRAM</translation>
        </message>
        <message>
            <source>the SCRAM server-final message</source>
            <comment>protocol.the-server-final</comment>
            <translation>le message server-final SCRAM</translation>
        </message>
        <message>
            <source>the SCRAM server-first message</source>
            <comment>protocol.the-server-first</comment>
            <translation>le message server-first SCRAM</translation>
        </message>
        <message>
            <source>the SCRAM server signature</source>
            <comment>protocol.the-server-signature</comment>
            <translation>la signature SCRAM du serveur</translation>
        </message>
        <message>
            <source>the user</source>
            <comment>protocol.the-user</comment>
            <translation>l’utilisateur</translation>
        </message>
        <message>
            <source>the user name</source>
            <comment>protocol.the-user-name</comment>
            <translation>le nom d’utilisateur</translation>
        </message>
        <message>
            <source>the value</source>
            <comment>protocol.the-value</comment>
            <translation>la valeur</translation>
        </message>
        <message>
            <source>the server refused the OAuth2 access token (status {status}); it may have expired or been revoked</source>
            <comment>protocol.token-refused</comment>
            <translation>le serveur a refusé le jeton d’accès OAuth2 (statut {status}) ; il a peut-être expiré ou été révoqué</translation>
        </message>
        <message>
            <source>the server refused the OAuth2 access token (status {status}; it asks for the scope {scope}); it may have expired or been revoked</source>
            <comment>protocol.token-refused-scope</comment>
            <translation>le serveur a refusé le jeton d’accès OAuth2 (statut {status} ; il demande la portée {scope}) ; il a peut-être expiré ou été révoqué</translation>
        </message>
        <message>
            <source>the server announced {count} messages, more than popgui believes ({limit})</source>
            <comment>protocol.too-many-messages</comment>
            <translation>le serveur a annoncé {count} messages, plus que popgui n’en croit possible ({limit})</translation>
        </message>
        <message>
            <source>the server sent more octets than it announced for the message</source>
            <comment>protocol.too-many-octets</comment>
            <translation>le serveur a envoyé plus d’octets qu’il n’en avait annoncé pour le message</translation>
        </message>
        <message>
            <source>the server sent a continuation in reply to {command}</source>
            <comment>protocol.unexpected-continuation</comment>
            <translation>le serveur a envoyé une continuation en réponse à {command}</translation>
        </message>
        <message>
            <source>unexpected reply during AUTH: {reply}</source>
            <comment>protocol.unexpected-in-auth</comment>
            <translation>réponse inattendue pendant AUTH : {reply}</translation>
        </message>
        <message>
            <source>unexpected event inside a message: {event}</source>
            <comment>protocol.unexpected-in-message</comment>
            <translation>événement inattendu au milieu d’un message : {event}</translation>
        </message>
        <message>
            <source>unexpected reply to {command}: {reply}</source>
            <comment>protocol.unexpected-reply</comment>
            <translation>réponse inattendue à {command} : {reply}</translation>
        </message>
        <message>
            <source>unknown or unsupported POP3 command {command}</source>
            <comment>protocol.unknown-command</comment>
            <translation>commande POP3 inconnue ou non prise en charge {command}</translation>
        </message>
        <message>
            <source>{mechanism}: the server requires an unknown extension</source>
            <comment>protocol.unknown-extension</comment>
            <translation>{mechanism} : le serveur exige une extension inconnue</translation>
        </message>
        <message>
            <source>unknown SASL mechanism {mechanism}</source>
            <comment>protocol.unknown-mechanism</comment>
            <translation>mécanisme SASL inconnu {mechanism}</translation>
        </message>
        <message>
            <source>unknown authentication method {method}</source>
            <comment>protocol.unknown-method</comment>
            <translation>méthode d’identification inconnue {method}</translation>
        </message>
        <message>
            <source>unknown</source>
            <comment>protocol.unknown-status</comment>
            <translation>inconnu</translation>
        </message>
        <message>
            <source>connection unusable after a protocol error: {error}</source>
            <comment>protocol.unusable</comment>
            <translation>connexion inutilisable après une erreur de protocole : {error}</translation>
        </message>
        <message>
            <source>{what} contains a control character (CR, LF, NUL...)</source>
            <comment>protocol.value-control</comment>
            <translation>{what} contient un caractère de contrôle (CR, LF, NUL...)</translation>
        </message>
        <message>
            <source>{what} is empty</source>
            <comment>protocol.value-empty</comment>
            <translation>{what} est vide</translation>
        </message>
        <message>
            <source>{what} must be a decimal number</source>
            <comment>protocol.value-not-number</comment>
            <translation>{what} doit être un nombre décimal</translation>
        </message>
        <message>
            <source>while a reply was expected</source>
            <comment>protocol.while-reply-expected</comment>
            <translation>alors qu’une réponse était attendue</translation>
        </message>
        <message>
            <source>{command} sent while waiting for the reply to {last}</source>
            <comment>protocol.while-waiting</comment>
            <translation>{command} envoyé pendant l’attente de la réponse à {last}</translation>
        </message>
        <message>
            <source>its port must be a number from 1 to 65535</source>
            <comment>proxy.bad-port</comment>
            <translation>son port doit être un nombre de 1 à 65535</translation>
        </message>
        <message>
            <source>popgui knows socks5, socks5h and http proxies</source>
            <comment>proxy.bad-scheme</comment>
            <translation>popgui connaît les proxys socks5, socks5h et http</translation>
        </message>
        <message>
            <source>the proxy {url} is not valid: {reason}; write socks5://HOST:PORT, socks5h://HOST:PORT or http://HOST:PORT, with USER@ or USER:PASSWORD@ before the host when the proxy asks for a login</source>
            <comment>proxy.bad-url</comment>
            <translation>le proxy {url} n’est pas valable : {reason} ; écrivez socks5://HÔTE:PORT, socks5h://HÔTE:PORT ou http://HÔTE:PORT, avec UTILISATEUR@ ou UTILISATEUR:MOT_DE_PASSE@ avant l’hôte quand le proxy demande une connexion</translation>
        </message>
        <message>
            <source>the user name is empty, too long or has characters a proxy cannot take</source>
            <comment>proxy.bad-user</comment>
            <translation>le nom d’utilisateur est vide, trop long ou contient des caractères qu’un proxy ne peut pas recevoir</translation>
        </message>
        <message>
            <source>{proxy} closed the connection before the tunnel to {place} was open</source>
            <comment>proxy.closed</comment>
            <translation>le {proxy} a fermé la connexion avant que le tunnel vers {place} soit ouvert</translation>
        </message>
        <message>
            <source>the {kind} proxy {address}</source>
            <comment>proxy.describe</comment>
            <translation>proxy {kind} {address}</translation>
        </message>
        <message>
            <source>{proxy} cannot be reached: {reason}</source>
            <comment>proxy.down</comment>
            <translation>le {proxy} est injoignable : {reason}</translation>
        </message>
        <message>
            <source>a proxy address has no path, query or fragment after the port</source>
            <comment>proxy.extra-parts</comment>
            <translation>une adresse de proxy n’a ni chemin, ni requête, ni fragment après le port</translation>
        </message>
        <message>
            <source>it answered {status}</source>
            <comment>proxy.http-status</comment>
            <translation>il a répondu {status}</translation>
        </message>
        <message>
            <source>HTTP</source>
            <comment>proxy.kind-http</comment>
            <translation>HTTP</translation>
        </message>
        <message>
            <source>SOCKS5</source>
            <comment>proxy.kind-socks5</comment>
            <translation>SOCKS5</translation>
        </message>
        <message>
            <source>SOCKS5 (names resolved by the proxy)</source>
            <comment>proxy.kind-socks5h</comment>
            <translation>SOCKS5 (noms résolus par le proxy)</translation>
        </message>
        <message>
            <source>{proxy} asks for a user name and password: put USER@ in the proxy address and keep its password in the keyring</source>
            <comment>proxy.login-needed</comment>
            <translation>le {proxy} demande un nom d’utilisateur et un mot de passe : mettez UTILISATEUR@ dans l’adresse du proxy et gardez son mot de passe dans le trousseau</translation>
        </message>
        <message>
            <source>{proxy} refused the user name {user} or its password</source>
            <comment>proxy.login-refused</comment>
            <translation>le {proxy} a refusé le nom d’utilisateur {user} ou son mot de passe</translation>
        </message>
        <message>
            <source>a SOCKS5 proxy takes a user name and a password of at most 255 bytes each</source>
            <comment>proxy.login-too-long</comment>
            <translation>un proxy SOCKS5 accepte un nom d’utilisateur et un mot de passe de 255 octets au plus chacun</translation>
        </message>
        <message>
            <source>the connection to {proxy} was lost: {reason}</source>
            <comment>proxy.lost</comment>
            <translation>la connexion au {proxy} a été perdue : {reason}</translation>
        </message>
        <message>
            <source>{proxy} accepts none of the sign-in methods popgui offers (none, and user name with password)</source>
            <comment>proxy.no-common-method</comment>
            <translation>le {proxy} n’accepte aucune des méthodes de connexion que popgui propose (aucune, et nom d’utilisateur avec mot de passe)</translation>
        </message>
        <message>
            <source>the proxy's host is missing</source>
            <comment>proxy.no-host</comment>
            <translation>l’hôte du proxy manque</translation>
        </message>
        <message>
            <source>no password is stored for {user} at {proxy}: enter it in the account's proxy settings (on the command line: popgui account add … --proxy-password-stdin --replace)</source>
            <comment>proxy.no-password</comment>
            <translation>aucun mot de passe n’est enregistré pour {user} auprès du {proxy} : saisissez-le dans les réglages du proxy du compte (en ligne de commande : popgui account add … --proxy-password-stdin --replace)</translation>
        </message>
        <message>
            <source>the proxy's port is missing</source>
            <comment>proxy.no-port</comment>
            <translation>le port du proxy manque</translation>
        </message>
        <message>
            <source>{proxy} did not answer like an HTTP proxy: check the address, port and kind of proxy</source>
            <comment>proxy.not-http</comment>
            <translation>le {proxy} n’a pas répondu comme un proxy HTTP : vérifiez l’adresse, le port et le type de proxy</translation>
        </message>
        <message>
            <source>{proxy} did not answer like a SOCKS5 proxy: check the address, port and kind of proxy</source>
            <comment>proxy.not-socks</comment>
            <translation>le {proxy} n’a pas répondu comme un proxy SOCKS5 : vérifiez l’adresse, le port et le type de proxy</translation>
        </message>
        <message>
            <source>the proxy's password command is empty</source>
            <comment>proxy.password-command-empty</comment>
            <translation>la commande du mot de passe du proxy est vide</translation>
        </message>
        <message>
            <source>the proxy's password command is only used with proxy_password_source = command</source>
            <comment>proxy.password-command-unused</comment>
            <translation>la commande du mot de passe du proxy ne sert qu’avec proxy_password_source = command</translation>
        </message>
        <message>
            <source>the settings file must not hold the proxy's password: keep it in the keyring (popgui account add --proxy with the password in the address stores it there)</source>
            <comment>proxy.password-in-settings</comment>
            <translation>le fichier de réglages ne doit pas contenir le mot de passe du proxy : gardez-le dans le trousseau (popgui account add --proxy avec le mot de passe dans l’adresse l’y range)</translation>
        </message>
        <message>
            <source>{setting} is only for a proxy that asks for a login: put USER@ in the proxy address</source>
            <comment>proxy.password-source-unused</comment>
            <translation>{setting} ne sert qu’à un proxy qui demande une connexion : mettez UTILISATEUR@ dans l’adresse du proxy</translation>
        </message>
        <message>
            <source>{proxy} did not connect to {place}: {reason}</source>
            <comment>proxy.refused-destination</comment>
            <translation>le {proxy} ne s’est pas connecté à {place} : {reason}</translation>
        </message>
        <message>
            <source>{proxy} did not answer within {seconds}</source>
            <comment>proxy.silent</comment>
            <translation>le {proxy} n’a pas répondu en {seconds}</translation>
        </message>
        <message>
            <source>the proxy does not support this kind of address</source>
            <comment>proxy.socks-address-unsupported</comment>
            <translation>le proxy ne prend pas en charge ce type d’adresse</translation>
        </message>
        <message>
            <source>the proxy does not support CONNECT</source>
            <comment>proxy.socks-command-unsupported</comment>
            <translation>le proxy ne prend pas en charge CONNECT</translation>
        </message>
        <message>
            <source>the mail server refused the proxy's connection</source>
            <comment>proxy.socks-connection-refused</comment>
            <translation>le serveur de courrier a refusé la connexion du proxy</translation>
        </message>
        <message>
            <source>the proxy failed (general SOCKS server failure)</source>
            <comment>proxy.socks-failure</comment>
            <translation>le proxy a échoué (erreur générale du serveur SOCKS)</translation>
        </message>
        <message>
            <source>the host is unreachable from the proxy (or its name is unknown there)</source>
            <comment>proxy.socks-host-unreachable</comment>
            <translation>l’hôte est injoignable depuis le proxy (ou son nom y est inconnu)</translation>
        </message>
        <message>
            <source>the network is unreachable from the proxy</source>
            <comment>proxy.socks-network-unreachable</comment>
            <translation>le réseau est injoignable depuis le proxy</translation>
        </message>
        <message>
            <source>its rules do not allow this connection</source>
            <comment>proxy.socks-not-allowed</comment>
            <translation>ses règles n’autorisent pas cette connexion</translation>
        </message>
        <message>
            <source>the mail server did not answer the proxy in time (TTL expired)</source>
            <comment>proxy.socks-ttl-expired</comment>
            <translation>le serveur de courrier n’a pas répondu au proxy à temps (TTL expiré)</translation>
        </message>
        <message>
            <source>the proxy answered with the unknown code {code}</source>
            <comment>proxy.socks-unknown</comment>
            <translation>le proxy a répondu par le code inconnu {code}</translation>
        </message>
        <message>
            <source>The connection goes through {proxy}.</source>
            <comment>proxy.through</comment>
            <translation>La connexion passe par le {proxy}.</translation>
        </message>
        <message>
            <source>auto cannot log in here: {error}.</source>
            <comment>report.auto-cannot</comment>
            <translation>Le mode automatique ne peut pas s’identifier ici : {error}.</translation>
        </message>
        <message>
            <source>If this is your server, you can trust this exact certificate: its fingerprint is then saved with the account.</source>
            <comment>report.can-trust</comment>
            <translation>S’il s’agit de votre serveur, vous pouvez faire confiance à ce certificat précis : son empreinte est alors enregistrée avec le compte.</translation>
        </message>
        <message>
            <source>The certificate differs from the one you chose to trust. Trust the new one only if you know the server changed its certificate.</source>
            <comment>report.certificate-differs</comment>
            <translation>Le certificat diffère de celui auquel vous avez choisi de faire confiance. Ne faites confiance au nouveau que si vous savez que le serveur a changé de certificat.</translation>
        </message>
        <message>
            <source>Without TLS, USER, PLAIN and LOGIN send the password in clear text.</source>
            <comment>report.clear-text</comment>
            <translation>Sans TLS, USER, PLAIN et LOGIN envoient le mot de passe en clair.</translation>
        </message>
        <message>
            <source>every hour</source>
            <comment>report.every-hour</comment>
            <translation>par heure</translation>
        </message>
        <message numerus="yes">
            <source>every {count} hour(s)</source>
            <comment>report.every-hours</comment>
            <translation>
                <numerusform>toutes les {count} heures</numerusform>
                <numerusform>toutes les {count} heures</numerusform>
            </translation>
        </message>
        <message>
            <source>every minute</source>
            <comment>report.every-minute</comment>
            <translation>par minute</translation>
        </message>
        <message numerus="yes">
            <source>every {count} minute(s)</source>
            <comment>report.every-minutes</comment>
            <translation>
                <numerusform>toutes les {count} minutes</numerusform>
                <numerusform>toutes les {count} minutes</numerusform>
            </translation>
        </message>
        <message>
            <source>{sentence}.</source>
            <comment>report.full-stop</comment>
            <translation>{sentence}.</translation>
        </message>
        <message>
            <source>folder {folder}</source>
            <comment>report.in-folder</comment>
            <translation>le dossier {folder}</translation>
        </message>
        <message>
            <source>the mailbox</source>
            <comment>report.in-mailbox</comment>
            <translation>la boîte aux lettres</translation>
        </message>
        <message>
            <source>Logged in with {method}; {messages} waiting on the server.</source>
            <comment>report.logged-in</comment>
            <translation>Identifié avec {method} ; {messages} sur le serveur.</translation>
        </message>
        <message>
            <source>The server allows one login {every} (LOGIN-DELAY): checking more often is refused.</source>
            <comment>report.login-delay</comment>
            <translation>Le serveur n’autorise qu’une identification {every} (LOGIN-DELAY) : relever plus souvent est refusé.</translation>
        </message>
        <message numerus="yes">
            <source>{count} message(s)</source>
            <comment>report.messages</comment>
            <translation>
                <numerusform>{count} message en attente</numerusform>
                <numerusform>{count} messages en attente</numerusform>
            </translation>
        </message>
        <message>
            <source>The server does not answer CAPA (a plain RFC 1939 server): popgui assumes USER/PASS and no pipelining.</source>
            <comment>report.no-capa</comment>
            <translation>Le serveur ne répond pas à CAPA (un serveur RFC 1939 simple) : popgui suppose USER/PASS et pas de pipelining.</translation>
        </message>
        <message>
            <source>No password given: the login was not tried.</source>
            <comment>report.no-password</comment>
            <translation>Aucun mot de passe donné : l’identification n’a pas été tentée.</translation>
        </message>
        <message>
            <source>The connection is not encrypted: the password and all mail cross the network readable by anyone on the way.</source>
            <comment>report.not-encrypted</comment>
            <translation>La connexion n’est pas chiffrée : le mot de passe et tout le courrier traversent le réseau lisibles par quiconque se trouve sur le chemin.</translation>
        </message>
        <message>
            <source>The connection is not encrypted: your Kerberos ticket is safe, but all mail crosses the network readable by anyone on the way.</source>
            <comment>report.not-encrypted-no-password</comment>
            <translation>La connexion n’est pas chiffrée : votre ticket Kerberos ne risque rien, mais tout le courrier traverse le réseau lisible par quiconque sur le chemin.</translation>
        </message>
        <message>
            <source>This server takes OAuth2 sign-in (OAUTHBEARER or XOAUTH2): use the oauth2 method and sign in with `popgui account login NAME` (auto never uses it).</source>
            <comment>report.oauth</comment>
            <translation>Ce serveur accepte la connexion OAuth2 (OAUTHBEARER ou XOAUTH2) : utilisez la méthode oauth2 et connectez-vous avec `popgui account login NAME` (le mode automatique ne l’utilise jamais).</translation>
        </message>
        <message>
            <source>The certificate is trusted because its fingerprint matches the one you chose to trust (the certificate authority was not checked).</source>
            <comment>report.pinned</comment>
            <translation>Le certificat est reconnu parce que son empreinte correspond à celle à laquelle vous avez choisi de faire confiance (l’autorité de certification n’a pas été vérifiée).</translation>
        </message>
        <message>
            <source>Logged in; {messages} in {where}.</source>
            <comment>report.pop2-logged-in</comment>
            <translation>Identifié ; {messages} dans {where}.</translation>
        </message>
        <message>
            <source>POP2 (RFC 937) has no capability list; it logs in with HELO (user name and password, sent as they are).</source>
            <comment>report.pop2-no-capa</comment>
            <translation>POP2 (RFC 937) n’a pas de liste de capacités ; il s’identifie avec HELO (nom d’utilisateur et mot de passe, envoyés tels quels).</translation>
        </message>
        <message>
            <source>none: unencrypted</source>
            <comment>report.security-none</comment>
            <translation>aucune : non chiffré</translation>
        </message>
        <message>
            <source>STARTTLS (upgrade to TLS, never fall back)</source>
            <comment>report.security-starttls</comment>
            <translation>STARTTLS (passage à TLS, jamais de retour en clair)</translation>
        </message>
        <message>
            <source>TLS from the start (implicit TLS)</source>
            <comment>report.security-tls</comment>
            <translation>TLS dès le début (TLS implicite)</translation>
        </message>
        <message>
            <source>The server asks to try again later; this is not a wrong password.</source>
            <comment>report.try-later</comment>
            <translation>Le serveur demande de réessayer plus tard ; ce n’est pas un mauvais mot de passe.</translation>
        </message>
        <message>
            <source>{method} is not a login method popgui knows; it will not be used.</source>
            <comment>report.unknown-method</comment>
            <translation>{method} n’est pas une méthode d’identification connue de popgui ; elle ne sera pas utilisée.</translation>
        </message>
        <message>
            <source>account {account} is already being synchronised by another popgui</source>
            <comment>store.account-busy</comment>
            <translation>le compte {account} est déjà en cours de relève par un autre popgui</translation>
        </message>
        <message>
            <source>account {account} is already being synchronised by another popgui (pid {pid})</source>
            <comment>store.account-busy-pid</comment>
            <translation>le compte {account} est déjà en cours de relève par un autre popgui (pid {pid})</translation>
        </message>
        <message>
            <source>{name} is not a valid folder name (it contains control characters).</source>
            <comment>store.bad-folder-control</comment>
            <translation>{name} n’est pas un nom de dossier valide (il contient des caractères de contrôle).</translation>
        </message>
        <message>
            <source>{name} is not a valid folder name (empty part or leading dot).</source>
            <comment>store.bad-folder-dots</comment>
            <translation>{name} n’est pas un nom de dossier valide (partie vide ou point initial).</translation>
        </message>
        <message>
            <source>{name} is not a valid folder name (it contains a slash).</source>
            <comment>store.bad-folder-slash</comment>
            <translation>{name} n’est pas un nom de dossier valide (il contient une barre oblique).</translation>
        </message>
        <message>
            <source>the file cannot be opened</source>
            <comment>store.cannot-open</comment>
            <translation>le fichier ne peut pas être ouvert</translation>
        </message>
        <message>
            <source>create the file</source>
            <comment>store.create-file</comment>
            <translation>de créer le fichier</translation>
        </message>
        <message>
            <source>create the mail folder</source>
            <comment>store.create-mail-folder</comment>
            <translation>de créer le dossier de courrier</translation>
        </message>
        <message>
            <source>The mail database {path} is damaged or is not a popgui database.</source>
            <comment>store.database-damaged</comment>
            <translation>La base de courrier {path} est endommagée ou n’est pas une base popgui.</translation>
        </message>
        <message>
            <source>Could not {action} the mail database {path}: {reason}</source>
            <comment>store.database-failed</comment>
            <translation>Impossible {action} la base de courrier {path} : {reason}</translation>
        </message>
        <message>
            <source>open</source>
            <comment>store.database-open</comment>
            <translation>d’ouvrir</translation>
        </message>
        <message>
            <source>read</source>
            <comment>store.database-read</comment>
            <translation>de lire</translation>
        </message>
        <message>
            <source>it is read-only</source>
            <comment>store.database-read-only</comment>
            <translation>elle est en lecture seule</translation>
        </message>
        <message>
            <source>record deletions in</source>
            <comment>store.database-record-deletions</comment>
            <translation>d’enregistrer les suppressions dans</translation>
        </message>
        <message>
            <source>record delivered messages in</source>
            <comment>store.database-record-delivered</comment>
            <translation>d’enregistrer les messages distribués dans</translation>
        </message>
        <message>
            <source>The mail database {path} was written by a newer popgui (schema {version}, this version knows {known}); please upgrade.</source>
            <comment>store.database-too-new</comment>
            <translation>La base de courrier {path} a été écrite par un popgui plus récent (schéma {version}, cette version connaît le {known}) ; veuillez mettre popgui à jour.</translation>
        </message>
        <message>
            <source>update</source>
            <comment>store.database-update</comment>
            <translation>de mettre à jour</translation>
        </message>
        <message>
            <source>update the message index in</source>
            <comment>store.database-update-index</comment>
            <translation>de mettre à jour l’index des messages dans</translation>
        </message>
        <message>
            <source>upgrade</source>
            <comment>store.database-upgrade</comment>
            <translation>de mettre à niveau</translation>
        </message>
        <message>
            <source>delete the message</source>
            <comment>store.delete-message</comment>
            <translation>de supprimer le message</translation>
        </message>
        <message>
            <source>Could not {action} {path}: {reason}</source>
            <comment>store.disk-failed</comment>
            <translation>Impossible {action} {path} : {reason}</translation>
        </message>
        <message>
            <source>the disk is full</source>
            <comment>store.disk-full</comment>
            <translation>le disque est plein</translation>
        </message>
        <message>
            <source>a file that is not a folder is in the way</source>
            <comment>store.file-in-the-way</comment>
            <translation>un fichier qui n’est pas un dossier est dans le passage</translation>
        </message>
        <message>
            <source>the file is larger than allowed</source>
            <comment>store.file-too-large</comment>
            <translation>le fichier est plus grand que permis</translation>
        </message>
        <message>
            <source>flush the folder</source>
            <comment>store.flush-folder</comment>
            <translation>d’écrire sur le disque le dossier</translation>
        </message>
        <message>
            <source>a folder named {name} already exists</source>
            <comment>store.folder-exists</comment>
            <translation>un dossier nommé {name} existe déjà</translation>
        </message>
        <message>
            <source>the folder no longer exists</source>
            <comment>store.folder-gone</comment>
            <translation>le dossier n’existe plus</translation>
        </message>
        <message>
            <source>The folder {path} still holds messages; it was not removed.</source>
            <comment>store.folder-not-empty</comment>
            <translation>Le dossier {path} contient encore des messages ; il n’a pas été supprimé.</translation>
        </message>
        <message>
            <source>the folder {name} has subfolders; delete them first</source>
            <comment>store.has-subfolders</comment>
            <translation>le dossier {name} a des sous-dossiers ; supprimez-les d’abord</translation>
        </message>
        <message>
            <source>the disk reported an input/output error</source>
            <comment>store.io-error</comment>
            <translation>le disque a signalé une erreur d’entrée/sortie</translation>
        </message>
        <message>
            <source>list the folder</source>
            <comment>store.list-folder</comment>
            <translation>de lister le dossier</translation>
        </message>
        <message>
            <source>Could not create the lock file {path}: {reason}</source>
            <comment>store.lock-create-failed</comment>
            <translation>Impossible de créer le fichier de verrou {path} : {reason}</translation>
        </message>
        <message>
            <source>Could not lock {path}: {reason}</source>
            <comment>store.lock-failed</comment>
            <translation>Impossible de verrouiller {path} : {reason}</translation>
        </message>
        <message>
            <source>another program keeps it locked</source>
            <comment>store.locked-by-another</comment>
            <translation>un autre programme la garde verrouillée</translation>
        </message>
        <message>
            <source>Could not move the damaged mail database {path} aside: {reason}</source>
            <comment>store.move-aside-failed</comment>
            <translation>Impossible de mettre de côté la base de courrier endommagée {path} : {reason}</translation>
        </message>
        <message>
            <source>Could not move {source} to {target}: a message of that name exists</source>
            <comment>store.move-exists</comment>
            <translation>Impossible de déplacer {source} vers {target} : un message de ce nom existe</translation>
        </message>
        <message>
            <source>move the message</source>
            <comment>store.move-message</comment>
            <translation>de déplacer le message</translation>
        </message>
        <message>
            <source>move the message into</source>
            <comment>store.move-message-into</comment>
            <translation>de déplacer le message dans</translation>
        </message>
        <message>
            <source>there is no folder named {name}</source>
            <comment>store.no-folder</comment>
            <translation>il n’y a pas de dossier nommé {name}</translation>
        </message>
        <message>
            <source>the file system does not support large files</source>
            <comment>store.no-large-files</comment>
            <translation>le système de fichiers ne prend pas en charge les gros fichiers</translation>
        </message>
        <message>
            <source>there is no message {id} (it may have been deleted)</source>
            <comment>store.no-message</comment>
            <translation>il n’y a pas de message {id} (il a peut-être été supprimé)</translation>
        </message>
        <message>
            <source>a part of the path is not a folder</source>
            <comment>store.not-a-folder</comment>
            <translation>une partie du chemin n’est pas un dossier</translation>
        </message>
        <message>
            <source>the operation is not permitted</source>
            <comment>store.not-permitted</comment>
            <translation>l’opération n’est pas permise</translation>
        </message>
        <message>
            <source>the computer ran out of memory</source>
            <comment>store.out-of-memory</comment>
            <translation>l’ordinateur manque de mémoire</translation>
        </message>
        <message>
            <source>permission was denied</source>
            <comment>store.permission-denied</comment>
            <translation>l’accès a été refusé</translation>
        </message>
        <message>
            <source>cannot create the profile directory {path}: {reason}</source>
            <comment>store.profile-create-failed</comment>
            <translation>impossible de créer le dossier de profil {path} : {reason}</translation>
        </message>
        <message>
            <source>the profile path {path} is not a directory</source>
            <comment>store.profile-not-a-directory</comment>
            <translation>le chemin du profil {path} n’est pas un dossier</translation>
        </message>
        <message>
            <source>the profile directory name contains a NUL character</source>
            <comment>store.profile-nul</comment>
            <translation>le nom du dossier de profil contient un caractère NUL</translation>
        </message>
        <message>
            <source>the disk quota is exceeded</source>
            <comment>store.quota-exceeded</comment>
            <translation>le quota disque est dépassé</translation>
        </message>
        <message>
            <source>Could not read the message {path}: {reason}</source>
            <comment>store.read-message-failed</comment>
            <translation>Impossible de lire le message {path} : {reason}</translation>
        </message>
        <message>
            <source>the file system is read-only</source>
            <comment>store.read-only-file-system</comment>
            <translation>le système de fichiers est en lecture seule</translation>
        </message>
        <message>
            <source>remove the folder</source>
            <comment>store.remove-folder</comment>
            <translation>de supprimer le dossier</translation>
        </message>
        <message>
            <source>remove the temporary file</source>
            <comment>store.remove-temporary</comment>
            <translation>de supprimer le fichier temporaire</translation>
        </message>
        <message>
            <source>rename the folder</source>
            <comment>store.rename-folder</comment>
            <translation>de renommer le dossier</translation>
        </message>
        <message>
            <source>save</source>
            <comment>store.save</comment>
            <translation>d’enregistrer</translation>
        </message>
        <message>
            <source>save the message to</source>
            <comment>store.save-message-to</comment>
            <translation>d’enregistrer le message dans</translation>
        </message>
        <message>
            <source>{name} is a special folder; it cannot be created, renamed or deleted</source>
            <comment>store.special-folder</comment>
            <translation>{name} est un dossier spécial ; il ne peut être ni créé, ni renommé, ni supprimé</translation>
        </message>
        <message>
            <source>write</source>
            <comment>store.write</comment>
            <translation>d’écrire</translation>
        </message>
        <message>
            <source>this server does not send a message's headers alone (TOP), so popgui cannot recognise the mail already in the Maildir; nothing was downloaded. Add the account without --adopt (with --skip-existing to leave the mail already on the server there)</source>
            <comment>sync.adopt-needs-top</comment>
            <translation>ce serveur n’envoie pas les en-têtes seuls d’un message (TOP), popgui ne peut donc pas reconnaître le courrier déjà présent dans le Maildir ; rien n’a été téléchargé. Ajoutez le compte sans --adopt (avec --skip-existing pour laisser sur le serveur le courrier qui s’y trouve déjà)</translation>
        </message>
        <message numerus="yes">
            <source>{count} message(s) already in the Maildir adopted</source>
            <comment>sync.adopted</comment>
            <translation>
                <numerusform>{count} message déjà présent dans le Maildir adopté</numerusform>
                <numerusform>{count} messages déjà présents dans le Maildir adoptés</numerusform>
            </translation>
        </message>
        <message>
            <source>delete chosen messages on the server</source>
            <comment>sync.delete-chosen</comment>
            <translation>supprimer sur le serveur les messages choisis</translation>
        </message>
        <message>
            <source>download chosen messages</source>
            <comment>sync.download-chosen</comment>
            <translation>télécharger les messages choisis</translation>
        </message>
        <message>
            <source>The destination did not answer for every message: nothing of this batch was recorded</source>
            <comment>sync.forward-answers-missing</comment>
            <translation>La destination n’a pas répondu pour chaque message : rien de ce lot n’a été enregistré</translation>
        </message>
        <message>
            <source>This server gives its messages no unique ids (neither UIDL nor TOP): popgui can deliver its mail only into the account's Maildir</source>
            <comment>sync.forward-needs-uidl</comment>
            <translation>Ce serveur ne donne pas d’identifiant unique à ses messages (ni UIDL ni TOP) : popgui ne peut livrer son courrier que dans le Maildir du compte</translation>
        </message>
        <message numerus="yes">
            <source>{destination} refused {count} message(s); they stay on the server. The first: {first}</source>
            <comment>sync.forward-refused</comment>
            <translation>
                <numerusform>{destination} a refusé {count} message ; il reste sur le serveur. Le premier : {first}</numerusform>
                <numerusform>{destination} a refusé {count} messages ; ils restent sur le serveur. Le premier : {first}</numerusform>
            </translation>
        </message>
        <message>
            <source>the message {uid} is no longer on the server</source>
            <comment>sync.gone-from-server</comment>
            <translation>le message {uid} n’est plus sur le serveur</translation>
        </message>
        <message numerus="yes">
            <source>{count} older message(s) left on the server, as asked</source>
            <comment>sync.left-on-server</comment>
            <translation>
                <numerusform>{count} message plus ancien laissé sur le serveur, comme demandé</numerusform>
                <numerusform>{count} messages plus anciens laissés sur le serveur, comme demandé</numerusform>
            </translation>
        </message>
        <message>
            <source>the server's UIDL and LIST disagree about which messages exist; popgui will not act on an ambiguous listing</source>
            <comment>sync.listings-disagree</comment>
            <translation>les listes UIDL et LIST du serveur ne s’accordent pas sur les messages présents ; popgui n’agira pas sur une liste ambiguë</translation>
        </message>
        <message>
            <source>the number of lines to show cannot be negative</source>
            <comment>sync.negative-lines</comment>
            <translation>le nombre de lignes à afficher ne peut pas être négatif</translation>
        </message>
        <message>
            <source>POP2 servers cannot show a message without sending all of it (POP2 has no TOP), so there is no preview for this account</source>
            <comment>sync.no-pop2-preview</comment>
            <translation>un serveur POP2 ne peut pas montrer un message sans l’envoyer en entier (POP2 n’a pas de TOP) : pas d’aperçu pour ce compte</translation>
        </message>
        <message>
            <source>this server does not support TOP, so it cannot show a preview</source>
            <comment>sync.no-top</comment>
            <translation>ce serveur ne prend pas en charge TOP, il ne peut donc pas montrer d’aperçu</translation>
        </message>
        <message>
            <source>this server does not support UIDL, so popgui cannot tell which message is which; use Get Mail to download everything instead</source>
            <comment>sync.no-uidl</comment>
            <translation>ce serveur ne prend pas en charge UIDL, popgui ne peut donc pas distinguer les messages ; utilisez plutôt « Relever le courrier » pour tout télécharger</translation>
        </message>
        <message>
            <source>popgui cannot {action} for a POP2 account: POP2 has no unique ids (UIDL) and no TOP, so a message cannot be chosen or previewed on the server</source>
            <comment>sync.pop2-cannot</comment>
            <translation>popgui ne peut pas {action} pour un compte POP2 : POP2 n’a ni identifiants uniques (UIDL) ni TOP, on ne peut donc ni choisir ni prévisualiser un message sur le serveur</translation>
        </message>
        <message>
            <source>the server seems to have renumbered its mail: {vanished} of the {previous} messages it listed last time are gone and {unknown} unknown ones appeared (a server migration or a restored backup?). Nothing was downloaded or deleted, so that the whole mailbox is not downloaded a second time</source>
            <comment>sync.renumbered</comment>
            <translation>le serveur semble avoir renuméroté son courrier : {vanished} des {previous} messages listés la dernière fois ont disparu et {unknown} inconnus sont apparus (une migration du serveur ou une sauvegarde restaurée ?). Rien n’a été téléchargé ni supprimé, afin de ne pas télécharger une seconde fois toute la boîte aux lettres</translation>
        </message>
        <message>
            <source>show the start of a message</source>
            <comment>sync.show-start</comment>
            <translation>afficher le début d’un message</translation>
        </message>
    </context>
</TS>
