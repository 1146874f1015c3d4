<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
    <context>
        <name>Messages</name>
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
    </context>
</TS>
