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
            <source>{setting} {auth} is not possible with POP2 (use auto)</source>
            <comment>accounts.pop2-auth</comment>
            <translation>{setting} {auth} n’est pas possible en POP2 (choisissez auto)</translation>
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
            <source>cancelled</source>
            <comment>network.cancelled</comment>
            <translation>annulé</translation>
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
            <source>the server closed the connection</source>
            <comment>network.server-closed</comment>
            <translation>le serveur a fermé la connexion</translation>
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
    </context>
</TS>
